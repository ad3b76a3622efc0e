"""Fail early, with a clear message, when the PostgreSQL the suite needs is not reachable."""

import sys

import psycopg

url = sys.argv[1]
admin_url = url.rsplit("/", 1)[0] + "/postgres"
try:
    with psycopg.connect(admin_url, connect_timeout=5) as connection:
        connection.execute("SELECT 1")
except psycopg.OperationalError as error:
    sys.exit(f"PostgreSQL is not reachable at {admin_url}: {error}")
print(f"PostgreSQL reachable at {admin_url}")

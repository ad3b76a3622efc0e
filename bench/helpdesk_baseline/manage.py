"""manage.py of the django-helpdesk baseline project (bench/email_ingest.py runs it with the
interpreter of var/bench/helpdesk-venv)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

import datetime as dt

import pytest
from django.core.management import call_command

from vik.core import clock
from vik.core.models import WorkerHeartbeat


@pytest.mark.django_db
def test_healthz_reports_database_work_and_a_missing_worker(client):
    body = client.get("/healthz").json()
    assert body["database"]["status"] == "ok"
    assert body["inbound"] == {"pending": 0, "quarantined": 0, "claimed_by_dead_workers": 0}
    assert body["tasks"]["running_of_dead_workers"] == 0
    assert body["worker"]["status"] == "stale"
    assert body["status"] == "degraded"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
def test_healthz_reports_the_worker_heartbeat(client):
    call_command("worker", batch=True, verbosity=0)
    body = client.get("/healthz").json()
    assert body["worker"]["status"] == "ok"
    assert body["status"] == "ok"
    beat = WorkerHeartbeat.objects.get()
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(beat_at=clock.now() - dt.timedelta(minutes=5))
    assert client.get("/healthz").json()["worker"]["status"] == "stale"


@pytest.mark.django_db
def test_pages_speak_czech_until_the_visitor_switches(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "Odeslat dotaz" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Send the question" in client.get("/").content.decode()

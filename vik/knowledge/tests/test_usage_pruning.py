"""Usage events are kept for a retention period: `vik knowledge prune-usage` and the worker's
periodic job delete older ones; the admin shows them read only."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string

from vik.core import clock
from vik.knowledge import services
from vik.knowledge.models import Article, UsageEvent
from vik.tenancy.models import User
from vik.testing.personas import World

pytestmark = pytest.mark.django_db


def event(days_ago: float, article: Article | None = None) -> UsageEvent:
    return UsageEvent.objects.create(
        kind="article_view" if article else "search",
        where="portal",
        article=article,
        query="" if article else "pas",
        created_at=clock.now() - dt.timedelta(days=days_ago),
    )


def test_the_command_deletes_events_older_than_the_days_given(world: World, id_card) -> None:
    kept = [event(0), event(29, id_card)]
    for days in (31, 400, 800):
        event(days, id_card)
    out = StringIO()

    call_command("knowledge", "prune-usage", "--older-than", "30", stdout=out)

    assert sorted(UsageEvent.objects.values_list("pk", flat=True)) == [e.pk for e in kept]
    assert out.getvalue().strip() == "3 usage events deleted"
    assert Article.objects.filter(pk=id_card.pk).exists()  # only the counts go


def test_the_default_age_is_the_retention_setting(world: World, settings) -> None:
    settings.VIK_KNOWLEDGE_USAGE_RETENTION_DAYS = 100
    kept = event(99)
    event(101)

    call_command("knowledge", "prune-usage", stdout=StringIO())

    assert list(UsageEvent.objects.all()) == [kept]
    with pytest.raises(CommandError):
        call_command("knowledge", "prune-usage", "--older-than", "-1", stdout=StringIO())


def test_pruning_works_in_batches(world: World) -> None:
    for days in range(10, 17):
        event(days)
    event(1)

    assert services.usage_prune(older_than_days=5, batch=3) == 7

    assert UsageEvent.objects.count() == 1


def test_the_periodic_job_deletes_one_batch_past_the_retention(world: World, settings) -> None:
    settings.VIK_KNOWLEDGE_USAGE_RETENTION_DAYS = 730
    kept = event(700)
    event(731)
    event(1000)

    job = import_string("vik.knowledge.services.usage_prune_due")
    assert "vik.knowledge.services.usage_prune_due" in settings.VIK_PERIODIC_JOBS

    assert job() == 2
    assert job() == 0
    assert list(UsageEvent.objects.all()) == [kept]


def test_the_admin_shows_usage_events_read_only(world: World, client, id_card) -> None:
    shown = event(1, id_card)
    admin = User.objects.create_superuser(username="root", password="x", email="r@vik.test")
    client.force_login(admin)

    assert client.get("/admin/knowledge/usageevent/").status_code == 200
    response = client.get(f"/admin/knowledge/usageevent/{shown.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.get("/admin/knowledge/usageevent/add/").status_code == 403
    response = client.post(f"/admin/knowledge/usageevent/{shown.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert UsageEvent.objects.filter(pk=shown.pk).exists()

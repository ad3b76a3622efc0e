"""Owners of a live article are reminded before its review date: by a workspace notification
and an e-mail (through a real SMTP server), once per article and review period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from vik.audit.models import AuditEvent
from vik.core import clock
from vik.knowledge import services
from vik.knowledge.models import Article
from vik.knowledge.services import reminders
from vik.notifications.models import Notification, NotificationPreference
from vik.tenancy.models import User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World

from .conftest import publish

pytestmark = pytest.mark.django_db

TITLE = "Občanský průkaz pro dítě"


@pytest.fixture
def owners(world: World) -> tuple[User, User]:
    world.carol.email = "carol@kraj-vysocina.cz"
    world.carol.save(update_fields=["email"])
    world.alice.email = "alice@jihlava.cz"
    world.alice.save(update_fields=["email"])
    return world.carol, world.alice


def article_due_in(days: int, world: World, owners: tuple[User, ...], **fields: Any) -> Article:
    """A live article of `owners` whose review date is `days` away."""
    article = publish(by=owners[0], title=fields.pop("title", TITLE), region=world.region)
    article.owners.add(*owners)
    Article.objects.filter(pk=article.pk).update(review_by=clock.today() + dt.timedelta(days=days))
    article.refresh_from_db()
    return article


def send() -> int:
    with run_on_commit():  # as the worker's job commits: the e-mails leave after the commit
        return services.review_reminders_send()


def test_the_owners_are_reminded_once_by_notification_and_e_mail(
    world: World, owners: tuple[User, User], smtp_sink
) -> None:
    article = article_due_in(10, world, owners)  # within the 14 days
    later = article_due_in(15, world, owners, title="Cestovní pas")

    assert send() == 1

    article.refresh_from_db()
    assert article.review_reminded_at is not None
    later.refresh_from_db()
    assert later.review_reminded_at is None
    notifications = Notification.objects.filter(kind="knowledge_review").order_by("user_id")
    assert [n.user for n in notifications] == sorted(owners, key=lambda user: user.pk)
    assert all(TITLE in n.text for n in notifications)
    [mail] = smtp_sink.messages
    assert sorted(mail["To"].split(", ")) == ["alice@jihlava.cz", "carol@kraj-vysocina.cz"]
    assert TITLE in mail["Subject"]
    body = mail.get_content()
    assert f"/staff/knowledge/{article.pk}/" in body
    review_by = article.review_by
    assert review_by is not None
    assert f"{review_by.day}. {review_by.month}. {review_by.year}" in body
    assert AuditEvent.objects.filter(action="knowledge.review_remind").count() == 1

    assert send() == 0  # the next run of the job, in this worker or another

    assert len(smtp_sink.messages) == 1
    assert Notification.objects.filter(kind="knowledge_review").count() == 2


def test_the_reminder_period_is_a_setting(
    world: World, owners: tuple[User, User], smtp_sink, settings
) -> None:
    article_due_in(20, world, owners)
    assert send() == 0
    settings.VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS = 21

    assert send() == 1
    assert len(smtp_sink.messages) == 1


def test_a_lapsed_article_is_reminded_and_an_archived_or_unpublished_one_is_not(
    world: World, owners: tuple[User, User], smtp_sink
) -> None:
    lapsed = article_due_in(-3, world, owners)
    archived = article_due_in(5, world, owners, title="Archivovaný článek")
    services.article_archive(article=archived, by=world.carol)
    draft = services.article_create(by=world.carol, kind="faq", title="Návrh", region=world.region)
    Article.objects.filter(pk=draft.pk).update(review_by=clock.today())

    assert send() == 1

    assert Article.objects.get(review_reminded_at__isnull=False) == lapsed
    assert len(smtp_sink.messages) == 1


def test_a_new_review_date_is_a_new_period_with_its_own_reminder(
    world: World, owners: tuple[User, User], smtp_sink
) -> None:
    article = article_due_in(10, world, owners)
    assert send() == 1
    version = article.published_version
    assert version is not None

    services.article_edit(
        article=article,
        by=world.carol,
        title=version.title,
        body=version.body,
        review_by=clock.today() + dt.timedelta(days=12),
    )

    article.refresh_from_db()
    assert article.review_reminded_at is None
    assert send() == 1
    assert send() == 0
    assert len(smtp_sink.messages) == 2

    # Publishing moves a lapsed review date a period ahead: a new period too.
    with clock.travel(clock.now() + dt.timedelta(days=13)):
        services.article_edit(article=article, by=world.carol, title="Nový text", body="…")
        with run_on_commit():
            services.article_publish(article=article, by=world.carol)
    article.refresh_from_db()
    assert article.review_reminded_at is None


def test_two_workers_claim_an_article_once(world: World, owners: tuple[User, User]) -> None:
    article = article_due_in(1, world, owners)
    assert article.review_by is not None

    assert reminders._review_remind(article.pk, article.review_by) is True
    assert reminders._review_remind(article.pk, article.review_by) is False
    # A worker that read the article before its review date changed claims nothing.
    other = article_due_in(1, world, owners, title="Jiný článek")
    assert reminders._review_remind(other.pk, clock.today()) is False
    assert Notification.objects.filter(kind="knowledge_review").count() == 2


def test_an_owner_who_gets_this_notification_by_e_mail_gets_one_e_mail(
    world: World, owners: tuple[User, User], smtp_sink
) -> None:
    carol, _alice = owners
    NotificationPreference.objects.create(
        user=carol, kind="knowledge_review", in_app=True, by_email=True
    )
    article_due_in(3, world, owners)

    assert send() == 1

    recipients = sorted(
        address for mail in smtp_sink.messages for address in mail["To"].split(", ")
    )
    assert recipients == ["alice@jihlava.cz", "carol@kraj-vysocina.cz"]


def test_an_article_without_owners_is_claimed_quietly(world: World, smtp_sink) -> None:
    article = publish(title=TITLE, region=world.region)  # imported by VIK itself: no owner
    Article.objects.filter(pk=article.pk).update(review_by=clock.today())

    assert send() == 1

    assert smtp_sink.messages == []
    assert not Notification.objects.exists()
    assert send() == 0


def test_the_worker_runs_the_job() -> None:
    assert "vik.knowledge.services.review_reminders_send" in settings.VIK_PERIODIC_JOBS
    assert import_string("vik.knowledge.services.review_reminders_send") is (
        services.review_reminders_send
    )

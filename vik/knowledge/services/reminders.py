"""Review reminders: the owners of a live article hear, once per review period, that its review
date is near (`VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS`) or has passed."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vik.core import clock
from vik.notifications.choices import NotificationKind
from vik.notifications.selectors import notification_preference
from vik.notifications.services import notification_send

from .. import events
from ..models import Article

logger = logging.getLogger(__name__)

REVIEW_REMINDERS_BATCH = 100  # per run of the job; the next run (15 s later) takes the rest


def review_reminders_send() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`, every 15 s in every worker): remind the owners of
    each live article whose review date is `VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS` days away or
    less (or has passed), once per review period, by a workspace notification and an e-mail.

    Cheap when there is nothing to do (one query on a partial index); a worker claims each
    article with a conditional UPDATE, so two workers never remind the same owners twice.
    Returns how many articles it reminded of.
    """
    horizon = clock.today() + dt.timedelta(days=settings.VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS)
    due = list(
        Article.objects.filter(
            review_reminded_at__isnull=True,
            published_version__isnull=False,
            review_by__lte=horizon,
        )
        .order_by("review_by", "pk")
        .values_list("pk", "review_by")[:REVIEW_REMINDERS_BATCH]
    )
    with translation.override(settings.LANGUAGE_CODE):
        return sum(1 for pk, review_by in due if review_by and _review_remind(pk, review_by))


@transaction.atomic
def _review_remind(pk: int, review_by: dt.date) -> bool:
    """Claim the article's reminder (the review date still the one seen) and send it."""
    claimed = Article.objects.filter(
        pk=pk, review_by=review_by, review_reminded_at__isnull=True, published_version__isnull=False
    ).update(review_reminded_at=clock.now())
    if not claimed:
        return False
    article = Article.objects.select_related("published_version").get(pk=pk)
    owners = list(article.owners.filter(is_active=True).order_by("pk"))
    title = article.published_version.title if article.published_version else article.slug
    date = f"{review_by.day}. {review_by.month}. {review_by.year}"  # the Czech way
    text = _("Review the article “%(title)s” by %(date)s.") % {"title": title, "date": date}
    kind = NotificationKind.KNOWLEDGE_REVIEW
    for owner in owners:
        notification_send(user=owner, kind=kind, text=text)
    events.review_reminded(article=article, owners=owners)
    # A reminder is e-mailed whatever the owner chose for workspace notifications, but once:
    # not by us to whom the workspace e-mails this kind of notification anyway.
    addresses = sorted(
        {
            owner.email
            for owner in owners
            if owner.email and not notification_preference(user=owner, kind=kind)[1]
        }
    )
    if addresses:
        url = settings.SITE_URL + reverse("staff:knowledge_detail", kwargs={"pk": pk})
        subject = _("VIK: review the article “%(title)s”") % {"title": title}
        body = _(
            "The article “%(title)s”, of which you are an owner, is due for review by %(date)s."
            "\n\nRead it, correct what has changed, and publish it again (or archive it):"
            "\n%(url)s\n\nYou receive this once per review period."
        ) % {"title": title, "date": date, "url": url}
        transaction.on_commit(lambda: _review_mail(subject, body, addresses, pk))
    else:
        logger.info("article %s is due for review and has no owner with an address", pk)
    return True


def _review_mail(subject: str, body: str, addresses: list[str], pk: int) -> None:
    """After the commit: one e-mail to the owners. A failure is logged; the workspace
    notification stays (the reminder is not sent again: once per period, at most)."""
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=addresses)
    except Exception:
        logger.exception("review reminder of article %s not e-mailed", pk)

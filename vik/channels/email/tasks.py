"""Tasks of the e-mail channel: they take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount

from . import imap


@task(queue_name="default")
def mailbox_poll_task(account_id: int) -> None:
    """Poll one account's mailbox now (the periodic job polls them on their own schedule)."""
    account = ChannelAccount.objects.filter(
        pk=account_id, kind__in=[ChannelKind.EMAIL, ChannelKind.FAX], is_active=True
    ).first()
    if account is None or imap.imap_settings(account) is None:
        return
    imap.mailbox_poll(account=account)

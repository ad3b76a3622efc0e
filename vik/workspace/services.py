"""Writing the agent's day: notifications."""

from __future__ import annotations

from typing import Any

from vik.core import clock

from .models import Notification


def notification_send(*, user: Any, kind: str, text: str, request: Any = None) -> Notification:
    """Tell a member of staff something in the workspace (and by e-mail, per their settings).

    Precondition: inside the transaction of the change it reports; the e-mail leaves after
    the commit.
    """
    return Notification.objects.create(
        user=user, kind=kind, text=text[:500], request=request, created_at=clock.now()
    )

"""What the channel core hands over to `conversations`, registered once at start-up.

The core stores raw payloads (`services.inbound_accept`), claims them, and runs the outbox. Turning
a payload into an interaction, and writing the request's timeline, is the work of
`conversations`, which sits floors above the core: the core may not import it. So
`conversations` registers, in its `AppConfig.ready`, the little the core needs of it:

- `drain_task`: the task that processes the payloads waiting for their first attempt, in
  batches; the core enqueues it (once for many) after the commit that stored them;
- `process_task`: the task that processes one payload (a retry after a fix, a claim the
  sweeper took back); the core enqueues it with the payload's id;
- `delivery_failed`: what to do when the outbox gives up on a delivery; called inside the
  transaction that marks the message failed, it says so on the request's timeline.

Why a hook and not an entry point in `conversations` wrapping the core's store: every channel,
the quarantine page and the sweeper keep calling the core, which alone decides when a payload
needs processing; what processing is, is known only above it. One small registration is the
whole seam, and a core used without `conversations` fails loudly instead of storing payloads
nobody will process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django_tasks.base import Task

    from .models import OutboundMessage


@dataclass(frozen=True)
class DeliveryFailure:
    """A delivery the outbox, or a channel's delivery report, says did not arrive."""

    message: OutboundMessage
    request: Any  # the conversations Request of the message's interaction
    recipient: str
    reason: str


@dataclass(frozen=True)
class Intake:
    drain_task: Task[[], None]
    process_task: Task[[int], None]
    delivery_failed: Callable[[DeliveryFailure], object]


_registered: list[Intake] = []


def intake_register(
    *,
    drain_task: Task[[], None],
    process_task: Task[[int], None],
    delivery_failed: Callable[[DeliveryFailure], object],
) -> None:
    """Called once, by the app that processes payloads (`conversations`), when it loads."""
    _registered[:] = [Intake(drain_task, process_task, delivery_failed)]


def intake() -> Intake:
    if not _registered:
        raise ImproperlyConfigured(
            "No intake is registered with the channel core: is vik.conversations installed?"
        )
    return _registered[0]

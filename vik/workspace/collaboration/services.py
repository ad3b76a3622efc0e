"""Writing how agents work together: macros (canned answers) and the reply form that sends
them, and presence on a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from vik.channels.core.base import InboundAttachment
from vik.conversations import services as conversations
from vik.conversations.choices import Status
from vik.conversations.models import Interaction, Request
from vik.core import clock
from vik.core.errors import PermissionDenied, ValidationFailed
from vik.tenancy import permissions

from ..choices import MacroScope, PresenceState
from ..models import Macro, Presence
from . import selectors
from .replies import reply_draft_delete, reply_with_signature

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

# Canned answers (macros) ---------------------------------------------------------------------


def _macro_fields_check(macro: Macro) -> None:
    if macro.scope == MacroScope.REGION:
        macro.centre = None
    elif macro.centre is None:
        raise ValidationFailed("A centre's macro needs its centre.")
    else:
        macro.region_id = macro.centre.region_id
    if macro.set_status and macro.set_status not in Status.values:
        raise ValidationFailed("Unknown status.")
    macro.add_tags = sorted({str(t).strip()[:64] for t in macro.add_tags if str(t).strip()})


@transaction.atomic
def macro_save(*, macro: Macro, by: StaffUser) -> Macro:
    """Create or change a macro; the user must manage its scope (and, when changing, the scope
    it had)."""
    _macro_fields_check(macro)
    if macro.pk is not None:
        before = Macro.objects.select_for_update().get(pk=macro.pk)
        if not permissions.can_manage_macro(
            by, region_id=before.region_id, centre_id=before.centre_id
        ):
            raise PermissionDenied("You may not change this macro.")
    if not permissions.can_manage_macro(by, region_id=macro.region_id, centre_id=macro.centre_id):
        raise PermissionDenied("You may not manage macros there.")
    if macro.pk is None:
        macro.created_by = by
    macro.save()
    return macro


@transaction.atomic
def macro_delete(*, macro: Macro, by: StaffUser) -> None:
    if not permissions.can_manage_macro(by, region_id=macro.region_id, centre_id=macro.centre_id):
        raise PermissionDenied("You may not delete this macro.")
    macro.delete()


@transaction.atomic
def macro_apply(
    *,
    macro: Macro,
    request: Request,
    by: StaffUser,
    text: str | None = None,
    status: str | None = None,
    articles: Iterable[int] = (),
    route: str | None = None,
    attachments: Iterable[InboundAttachment] = (),
) -> Interaction:
    """Send a reply from a macro and apply its status and tags.

    `text` is what the agent finally wrote (default: the macro rendered for this request);
    `status` is the agent's own choice on the reply form, which wins over the macro's. The
    macro's status is left out when the request already has it. Returns the reply."""
    if not Macro.objects.filter(permissions.macros_available(by, request), pk=macro.pk).exists():
        raise PermissionDenied("This macro is not offered on this request.")
    if text is None:
        text = selectors.macro_render(macro=macro, request=request, agent=by)
    wanted = status or (macro.set_status if macro.set_status != request.status else "") or None
    reply = conversations.request_reply(
        request=request, by=by, text=text, status=wanted, articles=articles, route=route,
        attachments=attachments,
    )  # fmt: skip
    if macro.add_tags:
        conversations.request_tags_change(request=request, add=macro.add_tags, by=by)
    return reply


def reply_send(
    *,
    request: Request,
    by: StaffUser,
    text: str,
    status: str | None = None,
    articles: Iterable[int] = (),
    macro_id: int | None = None,
    route: str | None = None,
    attachments: Iterable[InboundAttachment] = (),
) -> Interaction:
    """The reply form: a plain reply, or (a macro chosen) `macro_apply` with the agent's text;
    `route`: how it reaches the citizen (`conversations.reply_routes`); `attachments`: the
    files sent with it. The agent's and the centre's signatures go below the text; the agent's
    draft of the reply is dropped."""
    if text.strip():
        text = reply_with_signature(text, user=by, centre_id=request.centre_id)
    reply_draft_delete(request=request, by=by)
    if macro_id:
        try:
            macro = selectors.macro_get_for_request(user=by, request=request, pk=macro_id)
        except Macro.DoesNotExist:
            raise ValidationFailed("This macro is not offered on this request.") from None
        return macro_apply(
            macro=macro, request=request, by=by, text=text, status=status, articles=articles,
            route=route, attachments=attachments,
        )  # fmt: skip
    return conversations.request_reply(
        request=request, by=by, text=text, status=status, articles=articles, route=route,
        attachments=attachments,
    )  # fmt: skip


# Presence ------------------------------------------------------------------------------------

PRESENCE_KEPT = dt.timedelta(minutes=10)


def presence_record(*, request: Request, user: StaffUser, state: str) -> None:
    """The user has the request open (and is writing, if `state` says so): one upsert."""
    if state not in PresenceState.values:
        state = PresenceState.VIEWING
    Presence.objects.bulk_create(
        [Presence(request=request, user=user, state=state, last_seen=clock.now())],
        update_conflicts=True,
        unique_fields=["request", "user"],
        update_fields=["state", "last_seen"],
    )


def presence_prune() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): forget who had a request open long ago."""
    deleted, _by_model = Presence.objects.filter(last_seen__lt=clock.now() - PRESENCE_KEPT).delete()
    return deleted

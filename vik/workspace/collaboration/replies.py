"""The reply's drafts and signatures: a draft saved as the agent types (one per agent per
request), and the signatures appended to a public reply (the agent's own, then the centre's,
which its lead edits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vik.conversations.models import Request
from vik.core.errors import PermissionDenied
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre

from ..models import ReplyDraft, ReplySignature

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

DRAFT_MAX_LENGTH = 20_000


def reply_draft_save(*, request: Request, by: StaffUser, text: str) -> None:
    """Keep what the agent has typed (an empty text drops the draft); only on a request they
    may work."""
    if not permissions.can_work_request(by, request):
        raise PermissionDenied("You may not reply to this request.")
    if not text.strip():
        ReplyDraft.objects.filter(user=by, request=request).delete()
        return
    ReplyDraft.objects.update_or_create(
        user=by, request=request, defaults={"text": text[:DRAFT_MAX_LENGTH]}
    )


def reply_draft_delete(*, request: Request, by: StaffUser) -> None:
    ReplyDraft.objects.filter(user=by, request=request).delete()


def reply_draft_text(*, request: Request, user: StaffUser) -> str:
    draft = ReplyDraft.objects.filter(user=user, request=request).values_list("text", flat=True)
    return draft.first() or ""


def reply_signature_save(
    *, by: StaffUser, text: str, centre: InformationCentre | None = None
) -> ReplySignature:
    """The agent's own signature, or (`centre`) their centre's, which only its lead edits."""
    if centre is not None:
        if centre.pk not in permissions.reply_signature_centres(by):
            raise PermissionDenied("You may not change this centre's signature.")
        signature, _created = ReplySignature.objects.update_or_create(
            centre=centre, defaults={"text": text.strip()}
        )
        return signature
    signature, _created = ReplySignature.objects.update_or_create(
        user=by, defaults={"text": text.strip()}
    )
    return signature


def reply_signature_text(*, user: StaffUser, centre_id: int | None) -> str:
    """What goes below a public reply: the agent's signature, then the centre's."""
    own = ReplySignature.objects.filter(user=user).values_list("text", flat=True).first()
    centre = (
        ReplySignature.objects.filter(centre_id=centre_id).values_list("text", flat=True).first()
        if centre_id is not None
        else None
    )
    return "\n".join(text.strip() for text in (own or "", centre or "") if text.strip())


def reply_with_signature(text: str, *, user: StaffUser, centre_id: int | None) -> str:
    signature = reply_signature_text(user=user, centre_id=centre_id)
    return f"{text.rstrip()}\n\n{signature}" if signature else text

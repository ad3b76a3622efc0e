"""Reads of citizens' data by staff, written to the audit log (issue 14, item 4).

One function per read path; each writes one `personal_data` event with the actor, the address
and the object. A list or a search writes one event per page, not one per row: the references
it showed are in `details` (docs/security/audit.md has the table of paths and events).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record

from ..models import Attachment, Request

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

# What a list event keeps of the filters: each value cut, so a pasted text cannot bloat the log.
FILTER_TEXT_LIMIT = 200


def request_attachment_downloaded(
    *, request: Request, attachment: Attachment, by: StaffUser, http_request: HttpRequest | None
) -> AuditEvent:
    """A member of staff downloaded a file a citizen sent (or one sent to them)."""
    return audit_record(
        actor=by,
        action="request.attachment_download",
        target=request,
        personal_data=True,
        request=http_request,
        details={"attachment": attachment.pk, "filename": attachment.filename},
    )


def requests_listed(
    *,
    by: StaffUser,
    http_request: HttpRequest | None,
    filters: dict[str, Any],
    references: list[str],
    view: str = "",
    more: bool = False,
    page: str = "",
) -> AuditEvent:
    """A page of the request list or a search (or another page listing requests: `page`): what
    was asked and which requests it showed (their requesters' names or subjects were on the
    screen)."""
    asked = {
        name: str(value)[:FILTER_TEXT_LIMIT]
        for name, value in sorted(filters.items())
        if value not in ("", None, False)
    }
    details: dict[str, Any] = {"filters": asked, "references": references}
    if view:
        details["view"] = view
    if more:
        details["more"] = True  # a further page of the same list ("after" a cursor)
    if page:
        details["page"] = page  # another page than the request list that lists requests
    return audit_record(
        actor=by,
        action="request.search" if asked.get("text") else "request.list",
        target=Request,
        personal_data=True,
        request=http_request,
        details=details,
    )


def request_macro_rendered(
    *, request: Request, macro_id: int, by: StaffUser, http_request: HttpRequest | None
) -> AuditEvent:
    """A canned answer filled in for the request: it shows the citizen's name."""
    return audit_record(
        actor=by,
        action="request.macro_render",
        target=request,
        personal_data=True,
        request=http_request,
        details={"macro": macro_id},
    )

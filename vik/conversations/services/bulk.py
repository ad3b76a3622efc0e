"""Bulk actions of the request list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vik.core.errors import ValidationFailed, VikError
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, User

from ..choices import Status
from ..models import (
    Request,
)
from .changes import request_assign, request_set_status, request_tags_change
from .network import request_transfer

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

BULK_ACTIONS = ("assign", "status", "tag", "transfer")


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def requests_bulk_apply(
    *, user: StaffUser, references: list[str], action: str, value: str, reason: str = ""
) -> BulkResult:
    """Apply one action to many requests of the list, each in its own savepoint with the usual
    permission checks: what one request refuses does not stop the others.

    `action`: "assign" (`value` a user id, "me", or "" for nobody), "status" (a status),
    "tag" (a tag name to add), "transfer" (a centre id; `reason` required).
    """
    result = BulkResult()
    wanted = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    try:
        perform = _bulk_action(user=user, action=action, value=value.strip(), reason=reason)
    except VikError as error:
        result.failed = dict.fromkeys(wanted, str(error))
        return result
    found = {
        r.reference: r
        for r in Request.objects.filter(permissions.requests_visible(user), reference__in=wanted)
        .select_related("centre", "assignee", "region")
    }  # fmt: skip
    with transaction.atomic():
        for reference in wanted:
            item = found.get(reference)
            if item is None:
                result.failed[reference] = _("No such request.")
                continue
            try:
                with transaction.atomic():
                    perform(item)
            except VikError as error:
                result.failed[reference] = str(error)
            else:
                result.done.append(reference)
    return result


def _bulk_action(
    *, user: StaffUser, action: str, value: str, reason: str
) -> Callable[[Request], object]:
    """The action on one request, its value read once for the whole batch."""
    if action == "assign":
        assignee: StaffUser | None = None
        if value == "me":
            assignee = user
        elif value:
            assignee = User.objects.filter(pk=int(value) if value.isdigit() else 0).first()
            if assignee is None:
                raise ValidationFailed(_("No such member of staff."))
        return lambda item: request_assign(request=item, assignee=assignee, by=user)
    if action == "status":
        if value not in Status.values:
            raise ValidationFailed(_("No such status."))

        def set_status(item: Request) -> None:
            if item.status != value:
                request_set_status(request=item, status=value, by=user)

        return set_status
    if action == "tag":
        if not value:
            raise ValidationFailed(_("Give the tag's name."))
        return lambda item: request_tags_change(request=item, add=[value], by=user)
    if action == "transfer":
        centre = InformationCentre.objects.filter(pk=int(value) if value.isdigit() else 0).first()
        if centre is None:
            raise ValidationFailed(_("No such centre."))
        if not reason.strip():
            raise ValidationFailed(_("Say why the request is transferred."))
        return lambda item: request_transfer(request=item, centre=centre, reason=reason, by=user)
    raise ValidationFailed(_("Unknown action."))

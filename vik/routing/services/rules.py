"""Editing routing: a region's rules, a centre's queues and assignment policy, absence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from vik.audit.services import audit_record
from vik.core.errors import PermissionDenied
from vik.tenancy import permissions
from vik.tenancy.choices import AssignmentPolicy
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region

from ..models import Queue, RoutingRule
from .validation import rule_validate

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def _require_routing(by: StaffUser, region_id: int) -> None:
    if not permissions.can_edit_routing(by, region_id):
        raise PermissionDenied(_("You may not edit the routing rules of this region."))


@transaction.atomic
def rule_create(
    *,
    region: Region,
    by: StaffUser,
    name: str,
    conditions: dict[str, Any],
    actions: dict[str, Any],
    stops: bool = True,
    is_active: bool = True,
) -> RoutingRule:
    """A new rule at the end of the region's list."""
    _require_routing(by, region.pk)
    conditions, actions = rule_validate(region_id=region.pk, conditions=conditions, actions=actions)
    last = RoutingRule.objects.filter(region=region).aggregate(last=Max("position"))["last"]
    rule = RoutingRule.objects.create(
        region=region, name=name, conditions=conditions, actions=actions, stops=stops,
        is_active=is_active, position=0 if last is None else last + 1,
        changed_by=by,
    )  # fmt: skip
    _audit(by, "routing.rule_create", rule)
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: RoutingRule,
    by: StaffUser,
    name: str,
    conditions: dict[str, Any],
    actions: dict[str, Any],
    stops: bool,
    is_active: bool,
) -> RoutingRule:
    _require_routing(by, rule.region_id)
    rule.conditions, rule.actions = rule_validate(
        region_id=rule.region_id, conditions=conditions, actions=actions
    )
    rule.name, rule.stops, rule.is_active = name, stops, is_active
    rule.changed_by = by
    rule.save()
    _audit(by, "routing.rule_update", rule)
    return rule


@transaction.atomic
def rule_set_active(*, rule: RoutingRule, is_active: bool, by: StaffUser) -> RoutingRule:
    _require_routing(by, rule.region_id)
    rule.is_active = is_active
    rule.changed_by = by
    rule.save(update_fields=["is_active", "changed_by", "updated_at"])
    _audit(by, "routing.rule_activate" if is_active else "routing.rule_deactivate", rule)
    return rule


@transaction.atomic
def rule_move(*, rule: RoutingRule, up: bool, by: StaffUser) -> None:
    """Swap the rule with its neighbour; the region's positions are renumbered 0, 1, 2, …"""
    _require_routing(by, rule.region_id)
    ordered = list(
        RoutingRule.objects.select_for_update()
        .filter(region_id=rule.region_id)
        .order_by("position", "pk")
    )
    index = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        if item.position != position:
            RoutingRule.objects.filter(pk=item.pk).update(position=position)
    # The order decides which rule wins: a move is a change of the configuration.
    _audit(by, "routing.rule_move", rule, up=up)


@transaction.atomic
def rule_delete(*, rule: RoutingRule, by: StaffUser) -> None:
    _require_routing(by, rule.region_id)
    _audit(by, "routing.rule_delete", rule)
    rule.delete()


def queue_create(*, centre: InformationCentre, name: str, by: StaffUser) -> Queue:
    if not permissions.can_manage_queues(by, centre):
        raise PermissionDenied(_("You may not manage the queues of this centre."))
    queue, _created = Queue.objects.get_or_create(centre=centre, name=name.strip()[:120])
    return queue


@transaction.atomic
def queue_delete(*, queue: Queue, by: StaffUser) -> None:
    """Remove a queue; its requests stay in the centre without a queue, rules lose it."""
    if not permissions.can_manage_queues(by, queue.centre):
        raise PermissionDenied(_("You may not manage the queues of this centre."))
    for rule in RoutingRule.objects.filter(region_id=queue.centre.region_id):
        if rule.actions.get("queue") == queue.pk:
            rule.actions = {k: v for k, v in rule.actions.items() if k != "queue"}
            rule.save(update_fields=["actions", "updated_at"])
    queue.delete()


@transaction.atomic
def centre_policy_set(
    *, centre: InformationCentre, policy: str, by: StaffUser
) -> InformationCentre:
    if not permissions.can_manage_queues(by, centre):
        raise PermissionDenied(_("You may not manage the queues of this centre."))
    centre.assignment_policy = AssignmentPolicy(policy)
    centre.save(update_fields=["assignment_policy", "updated_at"])
    _audit(by, "routing.assignment_policy", centre, policy=policy)
    return centre


@transaction.atomic
def user_set_absent(*, user: User, is_absent: bool, by: StaffUser) -> User:
    """Mark a member of staff absent (no new requests from rules or policies) or back."""
    if not permissions.can_mark_absent(by, user):
        raise PermissionDenied(_("You may not change this person's absence."))
    user.is_absent = is_absent
    user.save(update_fields=["is_absent"])
    _audit(by, "staff.absent" if is_absent else "staff.back", user)
    return user


def _audit(by: StaffUser, action: str, target: Model, **details: Any) -> None:
    """The target's name is kept with the event: the audit report names a deleted rule too."""
    audit_record(
        actor=by, action=action, target=target, details={"name": str(target)[:200], **details}
    )

"""Reading routing: a region's rules, queues and who is on duty.

(The editor's preview reads requests: `vik.conversations.routing_preview`.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.contacts.choices import RequesterType
from vik.core.languages import language_name
from vik.tenancy import permissions
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Municipality, Orp, Region
from vik.topics.choices import Priority, RequestKind
from vik.topics.models import Topic

from .choices import CONDITION_LABELS, RuleAction
from .models import Queue, RoutingRule

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def rules_of_region(region: Region) -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(region=region)
        .select_related("changed_by")
        .order_by("position", "pk")
    )


def regions_edited(user: StaffUser) -> QuerySet[Region]:
    return Region.objects.filter(permissions.routing_regions_edited(user)).order_by("name")


def centres_with_queues(user: StaffUser) -> list[InformationCentre]:
    return list(
        InformationCentre.objects.filter(permissions.queues_managed(user), is_active=True)
        .prefetch_related("queues")
        .order_by("region__name", "name")
    )


def people_marked_by(user: StaffUser) -> list[User]:
    """Whose absence the user may change besides their own: the agents of the centres they
    lead, everybody of the regions whose routing they edit."""
    scope = permissions.scope_for(user)
    led = sorted(scope.centres_with(permissions.MANAGING_CENTRE_ROLES))
    regions = sorted(scope.regions_with(permissions.ROUTING_REGION_ROLES))
    if not (led or regions):
        return []
    people = User.objects.filter(is_active=True).exclude(pk=user.pk)

    return list(
        people.filter(
            Q(memberships__centre_id__in=led, memberships__role=Role.AGENT)
            | Q(
                memberships__region_id__in=regions,
                memberships__role__in=[Role.AGENT, Role.CENTRE_LEAD],
            )
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class RuleRow:
    rule: RoutingRule
    conditions: list[tuple[str, str]]
    actions: list[tuple[str, str]]


def rule_rows(region: Region) -> list[RuleRow]:
    """The region's rules with their conditions and actions in words, for the list page (a
    fixed number of queries, whatever the number of rules)."""
    rules = rules_of_region(region)
    wanted: dict[str, set[Any]] = {}
    for rule in rules:
        for key, values in {**rule.conditions, **rule.actions}.items():
            if isinstance(values, list):
                wanted.setdefault(key, set()).update(values)
            else:
                wanted.setdefault(key, set()).add(values)

    def of(key: str) -> list[Any]:
        return sorted(wanted.get(key, ()), key=str)

    topics = Topic.objects.filter(pk__in=of("topics")).select_related("parent")
    names: dict[str, dict[Any, Any]] = {
        "topics": {t.pk: t.path for t in topics},
        "orps": dict(Orp.objects.filter(code__in=of("orps")).values_list("code", "name")),
        "municipalities": dict(
            Municipality.objects.filter(code__in=of("municipalities")).values_list("code", "name")
        ),
        "accounts": dict(
            ChannelAccount.objects.filter(pk__in=of("accounts")).values_list("pk", "name")
        ),
        "channels": dict(ChannelKind.choices),
        "kinds": dict(RequestKind.choices),
        "languages": {code: language_name(code) for code in of("languages")},
        "requester_types": dict(RequesterType.choices),
        "centre": dict(
            InformationCentre.objects.filter(pk__in=of("centre")).values_list("pk", "name")
        ),
        "queue": dict(Queue.objects.filter(pk__in=of("queue")).values_list("pk", "name")),
        "priority": dict(Priority.choices),
        "policy": dict(AssignmentPolicy.choices),
        "assignee": {u.pk: u.display_name for u in User.objects.filter(pk__in=of("assignee"))},
    }

    def words(key: str, value: Any) -> str:
        values = value if isinstance(value, list) else [value]
        known = names.get(key, {})
        return ", ".join(str(known.get(v, v)) for v in values)

    return [
        RuleRow(
            rule=rule,
            conditions=[
                (str(CONDITION_LABELS.get(key, key)), words(key, v))
                for key, v in rule.conditions.items()
            ],
            actions=[
                (str(RuleAction(key).label) if key in RuleAction.values else key, words(key, v))
                for key, v in rule.actions.items()
            ],
        )
        for rule in rules
    ]

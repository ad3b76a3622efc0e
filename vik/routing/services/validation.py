"""Validating routing rules: the conditions and actions a rule may have (see
`vik.routing.services.engine` for their meaning), checked against the rule's region."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.contacts.choices import RequesterType
from vik.tenancy import permissions
from vik.tenancy.choices import AssignmentPolicy
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Municipality, Orp
from vik.topics.choices import RequestKind
from vik.topics.models import Topic

from ..choices import RuleAction
from ..models import Queue

CONDITION_KEYS = (
    "topics", "municipalities", "orps", "accounts", "channels", "kinds", "languages",
    "keywords", "requester_types",
)  # fmt: skip
ACTION_KEYS = tuple(RuleAction.values)
MAX_KEYWORD_LENGTH = 100
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def rule_validate(
    *, region_id: int, conditions: dict[str, Any], actions: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rule's conditions and actions checked against the region and normalised (sorted,
    without duplicates and empty values); raises `ValidationError` with every problem.

    Used by the editor's form and by `RoutingRule.clean`.
    """
    errors: list[str] = []
    if not isinstance(conditions, dict) or not isinstance(actions, dict):
        raise ValidationError(_("Conditions and actions must be objects."))
    unknown = sorted(set(conditions) - set(CONDITION_KEYS)) + sorted(
        set(actions) - set(ACTION_KEYS)
    )
    if unknown:
        errors.append(_("Unknown keys: %(keys)s.") % {"keys": ", ".join(unknown)})
    clean_conditions = _conditions_clean(region_id, conditions, errors)
    clean_actions = _actions_clean(region_id, actions, errors)
    if not clean_actions:
        errors.append(_("A rule needs at least one action."))
    if errors:
        raise ValidationError(errors)
    return clean_conditions, clean_actions


def _values(raw: Any, key: str, errors: list[str]) -> list[Any]:
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list | tuple):
        errors.append(_("%(key)s must be a list.") % {"key": key})
        return []
    return list(raw)


def _conditions_clean(
    region_id: int, conditions: dict[str, Any], errors: list[str]
) -> dict[str, Any]:
    clean: dict[str, Any] = {}

    def ids(key: str) -> list[int]:
        values = _values(conditions.get(key), key, errors)
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError):
            errors.append(_("%(key)s must be ids.") % {"key": key})
            return []

    def choices(key: str, allowed: Iterable[str]) -> None:
        values = sorted({str(v) for v in _values(conditions.get(key), key, errors)})
        wrong = sorted(set(values) - set(allowed))
        if wrong:
            errors.append(
                _("Unknown %(key)s: %(values)s.") % {"key": key, "values": ", ".join(wrong)}
            )
        elif values:
            clean[key] = values

    topics = ids("topics")
    if topics:
        found = set(Topic.objects.filter(pk__in=topics).values_list("pk", flat=True))
        if missing := sorted(set(topics) - found):
            errors.append(_("Unknown topics: %(values)s.") % {"values": missing})
        clean["topics"] = topics
    accounts = ids("accounts")
    if accounts:
        found = set(
            ChannelAccount.objects.filter(pk__in=accounts, region_id=region_id).values_list(
                "pk", flat=True
            )
        )
        if missing := sorted(set(accounts) - found):
            errors.append(
                _("Channel accounts not of this region: %(values)s.") % {"values": missing}
            )
        clean["accounts"] = accounts
    for key, model in (("municipalities", Municipality), ("orps", Orp)):
        codes = sorted({str(c).strip() for c in _values(conditions.get(key), key, errors)} - {""})
        if codes:
            found_codes = set(
                model.objects.filter(code__in=codes, region_id=region_id).values_list(
                    "code", flat=True
                )
            )
            if missing_codes := sorted(set(codes) - found_codes):
                errors.append(
                    _("Not in this region (%(key)s): %(values)s.")
                    % {"key": key, "values": ", ".join(missing_codes)}
                )
            clean[key] = codes
    choices("channels", ChannelKind.values)
    choices("kinds", RequestKind.values)
    choices("requester_types", RequesterType.values)
    languages = sorted(
        {str(v).strip().lower() for v in _values(conditions.get("languages"), "languages", errors)}
        - {""}
    )
    if wrong := [code for code in languages if not _LANGUAGE.fullmatch(code)]:
        errors.append(_("Not a language code: %(values)s.") % {"values": ", ".join(wrong)})
    elif languages:
        clean["languages"] = languages
    keywords: list[str] = []
    for raw in _values(conditions.get("keywords"), "keywords", errors):
        keyword = " ".join(str(raw).split())
        if keyword and keyword.casefold() not in {k.casefold() for k in keywords}:
            keywords.append(keyword[:MAX_KEYWORD_LENGTH])
    if keywords:
        clean["keywords"] = keywords
    return clean


def _actions_clean(region_id: int, actions: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    centre = None
    if actions.get("centre"):
        centre = InformationCentre.objects.filter(
            pk=_int(actions["centre"]), region_id=region_id, is_active=True
        ).first()
        if centre is None:
            errors.append(_("The centre is not an active centre of this region."))
        else:
            clean["centre"] = centre.pk
    if actions.get("queue"):
        queue = Queue.objects.filter(pk=_int(actions["queue"]), centre__region_id=region_id).first()
        if queue is None:
            errors.append(_("The queue is not a queue of this region."))
        elif centre is not None and queue.centre_id != centre.pk:
            errors.append(_("The queue must belong to the chosen centre."))
        else:
            clean["queue"] = queue.pk
    if actions.get("priority") not in (None, ""):
        priority = _int(actions["priority"])
        if priority not in (1, 2, 3, 4):
            errors.append(_("The priority must be 1 to 4."))
        else:
            clean["priority"] = priority
    tags: list[str] = []
    for raw in _values(actions.get("tags"), "tags", errors):
        tag = str(raw).strip()[:64]
        if tag and tag not in tags:
            tags.append(tag)
    if tags:
        clean["tags"] = tags
    if actions.get("assignee"):
        user = User.objects.filter(pk=_int(actions["assignee"]), is_active=True).first()
        target_centre = centre or (
            Queue.objects.get(pk=clean["queue"]).centre if "queue" in clean else None
        )
        if user is None or not _may_hold(user, region_id, target_centre):
            errors.append(_("That user cannot be assigned requests of the rule's centre."))
        else:
            clean["assignee"] = user.pk
    if actions.get("policy"):
        if actions["policy"] not in AssignmentPolicy.values:
            errors.append(_("Unknown assignment policy."))
        else:
            clean["policy"] = actions["policy"]
    return clean


def _may_hold(user: User, region_id: int, centre: InformationCentre | None) -> bool:
    scope = permissions.scope_for(user)
    if scope.is_superuser or (
        scope.region_roles.get(region_id, frozenset()) & permissions.WORKING_REGION_ROLES
    ):
        return True
    return centre is not None and bool(
        scope.centre_roles.get(centre.pk, frozenset()) & permissions.WORKING_CENTRE_ROLES
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0

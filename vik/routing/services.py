"""Routing: which centre, queue, priority, tags and assignee a new request gets.

`routing_decide` reads the facts of a request that is about to be created and returns a
`RoutingDecision`; the creating service applies it to the unsaved request, saves, and then
calls `request_routed` for what needs the saved row (tags, the assignment policy, events).

A region's rules are evaluated in `position` order. A rule matches when every one of its
conditions holds; a condition given as a list holds when any of its values does:

- `topics`: topic ids; a request's topic matches its own id or its parent's;
- `municipalities`, `orps`: ČSÚ codes (of the request's municipality, of its ORP);
- `accounts`: channel account ids; `channels`: channel kinds; `kinds`: request kinds;
- `languages`: language codes ("cs", "en"); `requester_types`: contacts' RequesterType;
- `keywords`: words or phrases found in the subject or the text, compared lower-case and
  without diacritics, each at the start of a word (so "stížnost" also finds "stížnosti").

A matching rule's actions (`RuleAction`): `centre`, `queue` (of that centre; a queue without a
centre also decides its centre), `priority` (1–4), `tags`, `assignee` (kept only when that user
may work the request there and is not absent), `policy` (an assignment policy instead of the
centre's own). The first rule that sets a scalar action wins; tags add up. A rule that `stops`
ends the evaluation. No centre from the rules: the channel account's centre, else the centre
competent for the territory (`vik.tenancy.selectors.centre_competent`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from vik.channels.core.choices import ChannelKind
from vik.contacts.choices import RequesterType
from vik.core import clock
from vik.core.db import rows_update
from vik.core.errors import PermissionDenied
from vik.core.memo import remembered
from vik.notifications.services import NotificationDraft, notifications_send
from vik.tenancy import permissions
from vik.tenancy.choices import AssignmentPolicy, Role
from vik.tenancy.models import InformationCentre, Membership, User
from vik.tenancy.selectors import centre_competent
from vik.territory.models import Municipality, Orp, Region
from vik.topics.models import Topic

from .choices import RuleAction
from .models import AssignmentState, Queue, RoutingRule

CONDITION_KEYS = (
    "topics", "municipalities", "orps", "accounts", "channels", "kinds", "languages",
    "keywords", "requester_types",
)  # fmt: skip
ACTION_KEYS = tuple(RuleAction.values)
# The assignment policies that pick an agent themselves.
POLICIES = (AssignmentPolicy.ROUND_ROBIN, AssignmentPolicy.LEAST_LOAD)
MAX_KEYWORD_LENGTH = 100
_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class RoutingFacts:
    region: Region
    topic: Topic | None
    municipality: Municipality | None
    account: Any  # channels.ChannelAccount | None
    channel: str
    kind: str
    language: str
    subject: str
    text: str
    requester_type: str


@dataclass
class RoutingDecision:
    centre: InformationCentre | None = None
    queue: Queue | None = None
    priority: int | None = None
    tags: list[str] = field(default_factory=list)
    assignee: Any = None
    policy: str = ""  # an assignment policy to apply instead of the centre's own
    rule_ids: list[int] = field(default_factory=list)
    rule_names: list[str] = field(default_factory=list)


# Compiled rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    """One rule, ready to test: id sets instead of codes, one regular expression for keywords,
    the objects its actions name (loaded once for the whole rule set)."""

    id: int | None
    name: str
    stops: bool
    topic_ids: frozenset[int] | None = None
    municipality_ids: frozenset[int] | None = None
    orp_ids: frozenset[int] | None = None
    account_ids: frozenset[int] | None = None
    channels: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    languages: frozenset[str] | None = None
    requester_types: frozenset[str] | None = None
    keywords: frozenset[str] | None = None  # normalised (`normalise_text`)
    centre: InformationCentre | None = None
    queue: Queue | None = None
    priority: int | None = None
    tags: tuple[str, ...] = ()
    assignee: User | None = None
    assignee_centre_ids: frozenset[int] = frozenset()
    assignee_region_wide: bool = False
    policy: str = ""

    def matches(self, facts: RoutingFacts, found: Callable[[], frozenset[str]]) -> bool:
        """Whether every condition holds; the cheap set look-ups first, keywords last
        (`found()`: the rule set's keywords that the request's subject or text contains)."""
        if self.topic_ids is not None and not (
            facts.topic is not None
            and (facts.topic.pk in self.topic_ids or facts.topic.parent_id in self.topic_ids)
        ):
            return False
        if self.municipality_ids is not None and (
            facts.municipality is None or facts.municipality.pk not in self.municipality_ids
        ):
            return False
        if self.orp_ids is not None and (
            facts.municipality is None or facts.municipality.orp_id not in self.orp_ids
        ):
            return False
        if self.account_ids is not None and (
            facts.account is None or facts.account.pk not in self.account_ids
        ):
            return False
        if self.channels is not None and facts.channel not in self.channels:
            return False
        if self.kinds is not None and facts.kind not in self.kinds:
            return False
        if self.languages is not None and facts.language not in self.languages:
            return False
        if self.requester_types is not None and facts.requester_type not in self.requester_types:
            return False
        return self.keywords is None or not self.keywords.isdisjoint(found())

    def may_assign(self, centre: InformationCentre | None) -> bool:
        return self.assignee is not None and (
            self.assignee_region_wide
            or (centre is not None and centre.pk in self.assignee_centre_ids)
        )


# Which condition a rule is filed under, most selective first: a decision looks only at the
# rules filed under its own values (and at those without any of these conditions).
_INDEXED = ("municipality_ids", "topic_ids", "account_ids", "orp_ids", "kinds",
            "requester_types", "channels", "languages", "keywords")  # fmt: skip


@dataclass(frozen=True)
class CompiledRules:
    rules: tuple[CompiledRule, ...]
    index: dict[str, dict[Hashable, tuple[int, ...]]]
    unindexed: tuple[int, ...]
    keywords: tuple[str, ...]  # every rule's, normalised, once

    def candidates(self, facts: RoutingFacts, found: Callable[[], frozenset[str]]) -> list[int]:
        """Positions (in `rules`) of the rules that may match, in order."""
        values = _fact_values(facts)
        positions: set[int] = set(self.unindexed)
        for attribute, by_value in self.index.items():
            for value in found() if attribute == "keywords" else values[attribute]:
                positions.update(by_value.get(value, ()))
        return sorted(positions)

    def keywords_in(self, text: str) -> frozenset[str]:
        """The rules' keywords that start a word of `text` (normalised here)."""
        if not self.keywords:
            return frozenset()
        text = normalise_text(text)
        return frozenset(k for k in self.keywords if _starts_a_word(text, k))


def _starts_a_word(text: str, keyword: str) -> bool:
    start = text.find(keyword)
    while start != -1:
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            return True
        start = text.find(keyword, start + 1)
    return False


def _fact_values(facts: RoutingFacts) -> dict[str, tuple[Hashable, ...]]:
    topic, municipality = facts.topic, facts.municipality
    return {
        "municipality_ids": (municipality.pk,) if municipality is not None else (),
        "orp_ids": (municipality.orp_id,) if municipality is not None else (),
        "topic_ids": (topic.pk, topic.parent_id) if topic is not None else (),
        "account_ids": (facts.account.pk,) if facts.account is not None else (),
        "kinds": (facts.kind,),
        "requester_types": (facts.requester_type,),
        "channels": (facts.channel,),
        "languages": (facts.language,),
    }


# Combining marks (of the Basic Multilingual Plane) to delete: `vik.core.text.fold`, but with
# one C-level `str.translate` instead of a Python loop over the characters (this is the intake's
# hot path; a long e-mail is folded once per decision).
_COMBINING = {code: None for code in range(0x10000) if unicodedata.combining(chr(code))}


def normalise_text(text: str) -> str:
    """What keywords are compared with: folded (lower-case, no diacritics), single spaces."""
    return " ".join(unicodedata.normalize("NFKD", text).translate(_COMBINING).casefold().split())


def keyword_set(keywords: Iterable[str]) -> frozenset[str] | None:
    words = frozenset(normalise_text(k) for k in keywords) - {""}
    return words or None


def rules_compile(rules: Sequence[RoutingRule | RuleSource]) -> CompiledRules:
    """The rules (saved or not) with everything their conditions and actions name loaded in a
    handful of queries."""
    conditions = [r.conditions or {} for r in rules]
    actions = [r.actions or {} for r in rules]
    municipalities = _ids_by_code(Municipality, conditions, "municipalities")
    orps = _ids_by_code(Orp, conditions, "orps")
    centres = InformationCentre.objects.filter(is_active=True).in_bulk(
        {a["centre"] for a in actions if a.get("centre")}
    )
    queues = Queue.objects.select_related("centre").in_bulk(
        {a["queue"] for a in actions if a.get("queue")}
    )
    assignees = _assignees({a["assignee"] for a in actions if a.get("assignee")})
    compiled = []
    for rule, condition, action in zip(rules, conditions, actions, strict=True):
        assignee, centre_ids, region_ids = assignees.get(
            action.get("assignee") or 0, (None, frozenset(), frozenset())
        )
        region_wide = assignee is not None and (
            assignee.is_superuser or rule.region_id in region_ids
        )
        queue = queues.get(action.get("queue") or 0)
        compiled.append(
            CompiledRule(
                id=rule.pk,
                name=rule.name,
                stops=rule.stops,
                topic_ids=_set(condition, "topics", int),
                municipality_ids=_mapped(condition, "municipalities", municipalities),
                orp_ids=_mapped(condition, "orps", orps),
                account_ids=_set(condition, "accounts", int),
                channels=_set(condition, "channels", str),
                kinds=_set(condition, "kinds", str),
                languages=_set(condition, "languages", str),
                requester_types=_set(condition, "requester_types", str),
                keywords=keyword_set(condition.get("keywords") or ()),
                centre=centres.get(action.get("centre") or 0),
                queue=queue if queue is not None and queue.centre.is_active else None,
                priority=action.get("priority") or None,
                tags=tuple(action.get("tags") or ()),
                assignee=assignee,
                assignee_centre_ids=centre_ids,
                assignee_region_wide=region_wide,
                policy=action.get("policy") or "",
            )
        )
    return _indexed(compiled)


def _indexed(compiled: list[CompiledRule]) -> CompiledRules:
    index: dict[str, dict[Hashable, list[int]]] = {attribute: {} for attribute in _INDEXED}
    unindexed = []
    for position, rule in enumerate(compiled):
        for attribute in _INDEXED:
            values = getattr(rule, attribute)
            if values is not None:
                for value in values:  # an empty set: the rule never matches, filed nowhere
                    index[attribute].setdefault(value, []).append(position)
                break
        else:
            unindexed.append(position)
    return CompiledRules(
        keywords=tuple(sorted({k for rule in compiled for k in rule.keywords or ()})),
        rules=tuple(compiled),
        index={
            attribute: {value: tuple(p) for value, p in by_value.items()}
            for attribute, by_value in index.items()
            if by_value
        },
        unindexed=tuple(unindexed),
    )


def _set(condition: dict[str, Any], key: str, kind: type) -> frozenset[Any] | None:
    values = condition.get(key)
    if not values:
        return None
    return frozenset(kind(v) for v in values)


def _mapped(condition: dict[str, Any], key: str, ids: dict[str, int]) -> frozenset[int] | None:
    codes = condition.get(key)
    if not codes:
        return None
    return frozenset(ids[code] for code in codes if code in ids)


def _ids_by_code(model: Any, conditions: list[dict[str, Any]], key: str) -> dict[str, int]:
    codes = {str(code) for condition in conditions for code in condition.get(key) or ()}
    if not codes:
        return {}
    return dict(model.objects.filter(code__in=codes).values_list("code", "pk"))


def _assignees(ids: set[int]) -> dict[int, tuple[User, frozenset[int], frozenset[int]]]:
    """Users a rule may assign (active, not absent): the centres where they work requests and
    the regions where they work every request."""
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids, is_active=True, is_absent=False).in_bulk()
    centres: dict[int, set[int]] = {pk: set() for pk in users}
    regions: dict[int, set[int]] = {pk: set() for pk in users}
    for membership in Membership.objects.filter(user_id__in=users).select_related("centre"):
        centre = membership.centre
        if membership.role in permissions.WORKING_CENTRE_ROLES and centre is not None:
            if centre.is_active:
                centres[membership.user_id].add(centre.pk)
        elif membership.role in permissions.WORKING_REGION_ROLES and centre is None:
            regions[membership.user_id].add(membership.region_id)
    return {
        pk: (user, frozenset(centres[pk]), frozenset(regions[pk])) for pk, user in users.items()
    }


class RuleSource(NamedTuple):
    """What compiling needs of a rule (a `RoutingRule` has the same attributes)."""

    pk: int | None
    name: str
    stops: bool
    region_id: int
    conditions: dict[str, Any]
    actions: dict[str, Any]


def region_rules(region_id: int) -> CompiledRules:
    """The region's active rules, compiled once per batch of work, kept for a few seconds of
    batches (`vik.core.memo`)."""

    def compile_region() -> CompiledRules:
        rows = (
            RoutingRule.objects.filter(region_id=region_id, is_active=True)
            .order_by("position", "pk")
            .values_list("pk", "name", "stops", "region_id", "conditions", "actions")
        )
        return rules_compile([RuleSource(*row) for row in rows])

    return remembered(("routing_rules", region_id), compile_region, lasting=True)


# Deciding --------------------------------------------------------------------------------------


def rules_evaluate(
    rules: CompiledRules, facts: RoutingFacts, decision: RoutingDecision
) -> list[CompiledRule]:
    """Apply the matching rules' actions to `decision` (first scalar wins, tags add up).

    Returns the matching rules that name an assignee: whether one may hold the request is
    known only once the centre is (`assignee_settle`)."""
    found_keywords: list[frozenset[str]] = []

    def found() -> frozenset[str]:
        if not found_keywords:
            found_keywords.append(rules.keywords_in(f"{facts.subject}\n{facts.text}"))
        return found_keywords[0]

    candidate_assignees: list[CompiledRule] = []
    for position in rules.candidates(facts, found):
        rule = rules.rules[position]
        if not rule.matches(facts, found):
            continue
        if rule.id is not None:
            decision.rule_ids.append(rule.id)
        decision.rule_names.append(rule.name)
        if decision.centre is None and rule.centre is not None:
            decision.centre = rule.centre
        if decision.queue is None and rule.queue is not None:
            decision.queue = rule.queue
            if decision.centre is None:
                decision.centre = rule.queue.centre
        if decision.priority is None and rule.priority is not None:
            decision.priority = rule.priority
        decision.tags.extend(t for t in rule.tags if t not in decision.tags)
        if rule.assignee is not None:
            candidate_assignees.append(rule)
        if not decision.policy and rule.policy:
            decision.policy = rule.policy
        if rule.stops:
            break
    return candidate_assignees


def routing_decide(facts: RoutingFacts) -> RoutingDecision:
    """The region's rules in order, then the channel account's centre, then the territory."""
    decision = RoutingDecision()
    rules = region_rules(facts.region.pk)
    named_assignees = rules_evaluate(rules, facts, decision) if rules.rules else []
    if decision.centre is None and facts.account is not None and facts.account.centre_id:
        decision.centre = facts.account.centre
    if decision.centre is None:
        decision.centre = centre_competent(
            region=facts.region, municipality=facts.municipality, topic=facts.topic
        )
    decision_settle(decision, named_assignees)
    return decision


def decision_settle(decision: RoutingDecision, named_assignees: Sequence[CompiledRule]) -> None:
    """What must agree with the final centre: the queue is the centre's, the assignee (the
    first rule's that may hold the request there) works there."""
    if decision.queue is not None and (
        decision.centre is None or decision.queue.centre_id != decision.centre.pk
    ):
        decision.queue = None
    decision.assignee = next(
        (r.assignee for r in named_assignees if r.may_assign(decision.centre)), None
    )


def _policy_needed(request: Any, decision: RoutingDecision) -> str:
    """The assignment policy that must pick the request's agent, or ""."""
    centre = decision.centre
    policy = decision.policy or (centre.assignment_policy if centre is not None else "")
    if request.assignee_id is None and centre is not None and policy in POLICIES:
        return policy
    return ""


def request_routed(*, request: Any, decision: RoutingDecision, announce: bool = True) -> None:
    """What a decision does once the request is saved: tags, assignment, the timeline.
    `announce=False`: the caller announces the assignee (`assignments_announce`).

    Precondition: inside the transaction that created the request.
    """
    centre = decision.centre
    policy = _policy_needed(request, decision)
    if not (decision.tags or decision.rule_ids or request.assignee_id or policy):
        return
    from vik.conversations import events
    from vik.conversations.services import request_tags_change

    if decision.rule_ids:
        events.routed(
            request=request,
            rules=[
                {"id": pk, "name": name}
                for pk, name in zip(decision.rule_ids, decision.rule_names, strict=False)
            ],
        )
    if decision.tags:
        request_tags_change(request=request, add=decision.tags, by=None)
    if policy and centre is not None:
        assignee = assignee_by_policy(centre=centre, policy=policy)
        if assignee is not None:
            request.assignee = assignee
            type(request).objects.filter(pk=request.pk).update(assignee=assignee)
    if request.assignee_id is not None and announce:
        assignments_announce([request])


def requests_routed(pairs: Sequence[tuple[Any, RoutingDecision]]) -> None:
    """`request_routed` for a batch of new requests, whose policies' assignees were chosen
    before they were saved (`assignments_by_policy`): the assignees are announced together."""
    for request, decision in pairs:
        request_routed(request=request, decision=decision, announce=False)
    assignments_announce([request for request, _decision in pairs if request.assignee_id])


def assignments_announce(requests: Sequence[Any]) -> None:
    """The timeline's "assigned" and the assignee's notification, for new requests."""
    from vik.conversations.choices import EventKind
    from vik.conversations.models import TimelineEvent

    if not requests:
        return
    now = clock.now()
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            request=request, kind=EventKind.ASSIGNED,
            data={"assignee": request.assignee.display_name}, created_at=now,
        )
        for request in requests
    )  # fmt: skip
    notifications_send(
        [
            NotificationDraft(
                user=request.assignee,
                kind="assigned",
                text=_("New request %(reference)s was assigned to you: %(subject)s")
                % {"reference": request.reference, "subject": request.subject},
                request=request,
            )
            for request in requests
        ]
    )


# Assignment policies ---------------------------------------------------------------------------


def agents_on_duty(centre: InformationCentre) -> list[int]:
    """Ids of the centre's agents who may get new requests: active and not absent."""
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                is_absent=False,
                memberships__centre=centre,
                memberships__role=Role.AGENT,
            ).values_list("pk", flat=True)
        )
    )


def assignee_by_policy(*, centre: InformationCentre, policy: str) -> User | None:
    """The agent on duty whose turn it is (round robin: longest without an assignment by the
    policy; least load: fewest open requests, ties by round robin), and their turn taken.

    The centre's state rows are locked (in one order) until the commit of the outermost
    transaction (the one creating the request), so two workers assigning for one centre take
    turns instead of both picking the same agent.
    """
    agents = agents_on_duty(centre)
    if not agents:
        return None
    with transaction.atomic():
        [chosen] = _turns_take(centre, agents, policy, 1)
    return User.objects.get(pk=chosen)


def assignments_by_policy(pairs: Sequence[tuple[Any, RoutingDecision]]) -> None:
    """Before a batch of new requests is saved: each one its centre's assignment policy (or
    its decision's) must assign gets the agent whose turn it is, as `assignee_by_policy`
    would give them one after another, with one lock and one update per centre."""
    groups: dict[tuple[int, str], list[Any]] = {}
    centres: dict[int, InformationCentre] = {}
    for request, decision in pairs:
        policy = _policy_needed(request, decision)
        if policy and decision.centre is not None:
            centres[decision.centre.pk] = decision.centre
            groups.setdefault((decision.centre.pk, policy), []).append(request)
    for (centre_id, policy), requests in groups.items():
        agents = agents_on_duty(centres[centre_id])
        if not agents:
            continue
        with transaction.atomic():
            chosen = _turns_take(centres[centre_id], agents, policy, len(requests))
        users = User.objects.in_bulk(set(chosen))
        for request, user_id in zip(requests, chosen, strict=True):
            request.assignee = users[user_id]


def _turns_take(centre: InformationCentre, agents: list[int], policy: str, count: int) -> list[int]:
    """The ids of the agents whose turn it is for `count` requests, in order, and the turns
    taken. Precondition: inside a transaction (the centre's state rows stay locked)."""
    from vik.conversations.models import Request
    from vik.conversations.states import OPEN_STATUSES

    AssignmentState.objects.bulk_create(
        [AssignmentState(centre=centre, user_id=pk) for pk in agents], ignore_conflicts=True
    )
    states = list(
        AssignmentState.objects.select_for_update().filter(centre=centre).order_by("user_id")
    )
    on_duty = set(agents)
    eligible = [s for s in states if s.user_id in on_duty]
    loads: dict[int, int] = {}
    if policy == AssignmentPolicy.LEAST_LOAD:
        loads = dict(
            Request.objects.filter(assignee_id__in=agents, status__in=sorted(OPEN_STATUSES))
            .values("assignee_id")
            .annotate(load=Count("pk"))
            .values_list("assignee_id", "load")
        )
    next_turn = max(s.turn for s in states) + 1
    chosen: list[AssignmentState] = []
    for _request in range(count):
        if policy == AssignmentPolicy.LEAST_LOAD:
            pick = min(eligible, key=lambda s: (loads.get(s.user_id, 0), s.turn, s.user_id))
            loads[pick.user_id] = loads.get(pick.user_id, 0) + 1
        else:
            pick = min(eligible, key=lambda s: (s.turn, s.user_id))
        pick.turn, next_turn = next_turn, next_turn + 1
        chosen.append(pick)
    now = clock.now()
    taken = {state.pk: state for state in chosen}
    for state in taken.values():
        state.last_assigned_at = now
    rows_update(list(taken.values()), ["turn", "last_assigned_at"])
    return [state.user_id for state in chosen]


# Validating rules ------------------------------------------------------------------------------


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
        from vik.channels.core.models import ChannelAccount

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
    from vik.conversations.choices import RequestKind

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


# Editing rules and queues ----------------------------------------------------------------------


def _require_routing(by: Any, region_id: int) -> None:
    if not permissions.can_edit_routing(by, region_id):
        raise PermissionDenied(_("You may not edit the routing rules of this region."))


@transaction.atomic
def rule_create(
    *,
    region: Region,
    by: Any,
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
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )  # fmt: skip
    _audit(by, "routing.rule_create", rule)
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: RoutingRule,
    by: Any,
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
    rule.changed_by = by if getattr(by, "is_authenticated", False) else None
    rule.save()
    _audit(by, "routing.rule_update", rule)
    return rule


@transaction.atomic
def rule_set_active(*, rule: RoutingRule, is_active: bool, by: Any) -> RoutingRule:
    _require_routing(by, rule.region_id)
    rule.is_active = is_active
    rule.changed_by = by
    rule.save(update_fields=["is_active", "changed_by", "updated_at"])
    _audit(by, "routing.rule_activate" if is_active else "routing.rule_deactivate", rule)
    return rule


@transaction.atomic
def rule_move(*, rule: RoutingRule, up: bool, by: Any) -> None:
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


@transaction.atomic
def rule_delete(*, rule: RoutingRule, by: Any) -> None:
    _require_routing(by, rule.region_id)
    _audit(by, "routing.rule_delete", rule)
    rule.delete()


def queue_create(*, centre: InformationCentre, name: str, by: Any) -> Queue:
    if not permissions.can_manage_queues(by, centre):
        raise PermissionDenied(_("You may not manage the queues of this centre."))
    queue, _created = Queue.objects.get_or_create(centre=centre, name=name.strip()[:120])
    return queue


@transaction.atomic
def queue_delete(*, queue: Queue, by: Any) -> None:
    """Remove a queue; its requests stay in the centre without a queue, rules lose it."""
    if not permissions.can_manage_queues(by, queue.centre):
        raise PermissionDenied(_("You may not manage the queues of this centre."))
    for rule in RoutingRule.objects.filter(region_id=queue.centre.region_id):
        if rule.actions.get("queue") == queue.pk:
            rule.actions = {k: v for k, v in rule.actions.items() if k != "queue"}
            rule.save(update_fields=["actions", "updated_at"])
    queue.delete()


@transaction.atomic
def centre_policy_set(*, centre: InformationCentre, policy: str, by: Any) -> InformationCentre:
    if not permissions.can_manage_queues(by, centre):
        raise PermissionDenied(_("You may not manage the queues of this centre."))
    centre.assignment_policy = AssignmentPolicy(policy)
    centre.save(update_fields=["assignment_policy", "updated_at"])
    _audit(by, "routing.assignment_policy", centre, policy=policy)
    return centre


@transaction.atomic
def user_set_absent(*, user: User, is_absent: bool, by: Any) -> User:
    """Mark a member of staff absent (no new requests from rules or policies) or back."""
    if not permissions.can_mark_absent(by, user):
        raise PermissionDenied(_("You may not change this person's absence."))
    user.is_absent = is_absent
    user.save(update_fields=["is_absent"])
    _audit(by, "staff.absent" if is_absent else "staff.back", user)
    return user


def _audit(by: Any, action: str, target: Any, **details: Any) -> None:
    from vik.audit.services import audit_record

    audit_record(actor=by, action=action, target=target, details=details or None)

"""Routing: which centre, queue, priority, tags and assignee a new request gets.

`routing_decide` reads the facts of a request that is about to be created and returns a
`RoutingDecision`; it writes no request. `vik.conversations` applies the decision to the
unsaved request, saves it, and then applies what needs the saved row (tags, the assignment
policy, events: `vik.conversations.services.routing`).

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

import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from vik.channels.core.models import ChannelAccount
from vik.core.memo import remembered
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre, Membership, User
from vik.tenancy.selectors import centre_competent
from vik.territory.models import Municipality, Orp, Region
from vik.topics.models import Topic

from ..models import Queue, RoutingRule


@dataclass(frozen=True)
class RoutingFacts:
    region: Region
    topic: Topic | None
    municipality: Municipality | None
    account: ChannelAccount | None
    channel: str
    kind: str
    language: str
    subject: str
    text: str
    requester_type: str
    # The centre a request a clerk recorded goes to when no rule names one (the clerk's own):
    # before the channel account's and the territory's (issue 15).
    default_centre: InformationCentre | None = None


@dataclass
class RoutingDecision:
    centre: InformationCentre | None = None
    queue: Queue | None = None
    priority: int | None = None
    tags: list[str] = field(default_factory=list)
    assignee: User | None = None
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


def _ids_by_code(
    model: type[Municipality] | type[Orp], conditions: list[dict[str, Any]], key: str
) -> dict[str, int]:
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
    """The region's rules in order, then the default centre (a clerk's), the channel account's
    centre, then the territory."""
    decision = RoutingDecision()
    rules = region_rules(facts.region.pk)
    named_assignees = rules_evaluate(rules, facts, decision) if rules.rules else []
    if decision.centre is None and facts.default_centre is not None:
        decision.centre = facts.default_centre
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

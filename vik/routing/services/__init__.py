"""Routing decides; it never writes a request.

- `engine`: a request's facts → a `RoutingDecision` (the region's compiled rules, remembered);
- `assignment`: which agent on duty an assignment policy picks, and the turns taken;
- `validation`: the conditions and actions a rule may have;
- `rules`: editing rules, queues, a centre's policy and absence.

`vik.conversations.services.routing` applies the decisions to requests.
"""

from __future__ import annotations

from .assignment import (
    POLICIES,
    OpenLoads,
    agents_on_duty,
    policy_needed,
    turns_take,
)
from .engine import (
    CompiledRule,
    CompiledRules,
    RoutingDecision,
    RoutingFacts,
    RuleSource,
    decision_settle,
    keyword_set,
    normalise_text,
    region_rules,
    routing_decide,
    rules_compile,
    rules_evaluate,
)
from .rules import (
    centre_policy_set,
    queue_create,
    queue_delete,
    rule_create,
    rule_delete,
    rule_move,
    rule_set_active,
    rule_update,
    user_set_absent,
)
from .validation import (
    ACTION_KEYS,
    CONDITION_KEYS,
    MAX_KEYWORD_LENGTH,
    rule_validate,
)

__all__ = [
    "ACTION_KEYS",
    "CONDITION_KEYS",
    "MAX_KEYWORD_LENGTH",
    "POLICIES",
    "CompiledRule",
    "CompiledRules",
    "OpenLoads",
    "RoutingDecision",
    "RoutingFacts",
    "RuleSource",
    "agents_on_duty",
    "centre_policy_set",
    "decision_settle",
    "keyword_set",
    "normalise_text",
    "policy_needed",
    "queue_create",
    "queue_delete",
    "region_rules",
    "routing_decide",
    "rule_create",
    "rule_delete",
    "rule_move",
    "rule_set_active",
    "rule_update",
    "rule_validate",
    "rules_compile",
    "rules_evaluate",
    "turns_take",
    "user_set_absent",
]

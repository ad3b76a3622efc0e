"""The request status state machine: which status may follow which, and who may move it.

new ──► open ──► waiting_citizen ──► resolved ──► closed
  │       │ ▲         │   ▲             │  ▲
  │       ▼ │         ▼   │             ▼  │
  │     waiting_office ───┘          (reopen)
  └──────────────────────────────────► resolved

A citizen's new message reopens a resolved request and wakes a waiting one; a closed request
stays closed (its follow-up becomes a new, linked request).
"""

from __future__ import annotations

from vik.core.errors import InvalidTransition

from .choices import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_OFFICE,
                           Status.RESOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.WAITING_CITIZEN, Status.WAITING_OFFICE, Status.RESOLVED}),
    Status.WAITING_CITIZEN: frozenset({Status.OPEN, Status.WAITING_OFFICE, Status.RESOLVED}),
    Status.WAITING_OFFICE: frozenset({Status.OPEN, Status.WAITING_CITIZEN, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}  # fmt: skip

# Where a citizen's new message takes the request (absent: the status stays).
ON_CITIZEN_MESSAGE: dict[str, str] = {
    Status.WAITING_CITIZEN: Status.OPEN,
    Status.WAITING_OFFICE: Status.OPEN,
    Status.RESOLVED: Status.OPEN,
}

OPEN_STATUSES = frozenset({Status.NEW, Status.OPEN, Status.WAITING_CITIZEN, Status.WAITING_OFFICE})


def allowed_next(status: str) -> frozenset[str]:
    return TRANSITIONS[status]


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            f"A request cannot go from “{Status(current).label}” to “{Status(target).label}”."
        )

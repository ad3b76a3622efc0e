import pytest

from vik.conversations.choices import Status
from vik.conversations.states import ON_CITIZEN_MESSAGE, TRANSITIONS, check_transition
from vik.core.errors import InvalidTransition

N, OP, WC, WO, R, C = (
    Status.NEW,
    Status.OPEN,
    Status.WAITING_CITIZEN,
    Status.WAITING_OFFICE,
    Status.RESOLVED,
    Status.CLOSED,
)

# Every (from, to) pair and whether staff may make it.
ALLOWED = {
    (N, OP), (N, WC), (N, WO), (N, R), (N, C),
    (OP, WC), (OP, WO), (OP, R),
    (WC, OP), (WC, WO), (WC, R),
    (WO, OP), (WO, WC), (WO, R),
    (R, OP), (R, C),
}  # fmt: skip


@pytest.mark.parametrize("current", Status.values)
@pytest.mark.parametrize("target", Status.values)
def test_transition_table(current, target):
    if (current, target) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)


def test_every_status_has_a_row_and_closed_is_final():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[C] == frozenset()


def test_a_citizen_message_wakes_waiting_and_resolved_requests_only():
    assert ON_CITIZEN_MESSAGE == {WC: OP, WO: OP, R: OP}

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vik.conversations import services as conversations
from vik.conversations.choices import Status
from vik.conversations.models import Request
from vik.core import clock
from vik.satisfaction import services
from vik.satisfaction.models import RatingInvitation
from vik.testing.fixtures import run_on_commit


def resolve(request: Request, by: Any) -> Request:
    conversations.request_set_status(request=request, status=Status.RESOLVED, by=by)
    request.refresh_from_db()
    return request


def run_job(after_minutes: int = 61, *, since: dt.datetime | None = None) -> int:
    """The periodic job, `after_minutes` after `since` (now), its sends delivered."""
    at = (since or clock.now()) + dt.timedelta(minutes=after_minutes)
    with clock.travel(at), run_on_commit():
        return services.invitations_send_due()


@pytest.fixture
def resolved_request(world: Any, citizen_request: Request) -> Request:
    """The web-form question of Jihlava (an e-mail address given), resolved by Alice."""
    return resolve(citizen_request, world.alice)


@pytest.fixture
def invitation(resolved_request: Request) -> RatingInvitation:
    return services.rating_invitation_ensure(request=resolved_request)

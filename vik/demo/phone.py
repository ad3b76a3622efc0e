"""The demo's phone line: the region's free number as a phone account (its CTI token printed by
`vik demo`), a number per centre, the Jihlava agents' extensions, today's calls (answered,
missed, a transfer, an anonymous caller) played through the real webhook service, and
call-backs (from the missed calls and one from the portal's form)."""

from __future__ import annotations

import datetime as dt

from vik.channels.core.choices import ChannelKind
from vik.channels.core.models import ChannelAccount
from vik.channels.phone.cti import CtiInput
from vik.channels.phone.models import Call, CallBack, CallEvent, StaffPhone
from vik.channels.phone.services import (
    callback_request_submit,
    cti_event_receive,
    cti_token_rotate,
)
from vik.contacts.choices import IdentityKind
from vik.contacts.models import Identity
from vik.core import clock
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region

ACCOUNT = "Bezplatná linka Kraje Vysočina"
LINE = "800100200"
# (minutes ago, caller's index or None for anonymous, events, cause, agent's extension)
TODAY = [
    (420, 0, ("newCall", "answer", "hangup"), "normalClearing", "101"),
    (390, 1, ("newCall", "hangup"), "noAnswer", ""),
    (330, 2, ("newCall", "answer", "hangup"), "normalClearing", "102"),
    (300, None, ("newCall", "hangup"), "cancel", ""),
    (250, 3, ("newCall", "answer", "hangup"), "normalClearing", "101"),
    (200, 4, ("newCall", "hangup"), "forwarded", ""),
    (150, 5, ("newCall", "hangup"), "busy", ""),
    (95, 6, ("newCall", "answer", "hangup"), "normalClearing", "102"),
    (40, 7, ("newCall", "answer", "hangup"), "normalClearing", "101"),
    (12, 8, ("newCall", "hangup"), "noAnswer", ""),
]


def build_phone(region: Region, centres: dict[str, InformationCentre]) -> str:
    """Returns the CTI token made now (a new one on every run: only its hash is stored)."""
    for index, centre in enumerate(centres.values()):
        if centre.phone in ("", "+420567000000"):
            centre.phone = f"+420567{index + 100:03d}100"
            centre.save(update_fields=["phone", "updated_at"])
    account, _created = ChannelAccount.objects.get_or_create(
        name=ACCOUNT, defaults={"region": region, "kind": ChannelKind.PHONE}
    )
    for username, extension in (("agent.jihlava", "101"), ("agent2.jihlava", "102")):
        user = User.objects.filter(username=username).first()
        if user is not None:
            StaffPhone.objects.get_or_create(number=extension, defaults={"user": user})
    token = cti_token_rotate(account=account, by=None)
    if not Call.objects.filter(account=account).exists():
        _calls_today(account)
        callback_request_submit(
            region=region, number="+420603123456", preferred_time="dnes po 15. hodině", topic=None
        )
    return token


def _calls_today(account: ChannelAccount) -> None:
    callers = list(
        Identity.objects.filter(region_id=account.region_id, kind=IdentityKind.PHONE)
        .order_by("pk")
        .values_list("value", flat=True)[:9]
    )
    callers += [f"+42060300{n:04d}" for n in range(9 - len(callers))]
    now = clock.now()
    for number, (minutes_ago, caller, events, cause, extension) in enumerate(TODAY):
        call_id = f"demo-{now:%Y%m%d}-{number}"
        from_number = callers[caller].lstrip("+") if caller is not None else "anonymous"
        for name in events:
            cti_event_receive(
                account=account,
                data=CtiInput(
                    event=name,
                    call_id=call_id,
                    direction="in",
                    from_number=from_number,
                    to_number=LINE,
                    users=("Jana Druhá",) if name == "newCall" else (),
                    answering_number=extension if name != "newCall" else "",
                    cause=cause if name == "hangup" else "",
                ),
                body=b"{}",
                content_type="application/json",
            )
        _back_in_time(account, call_id, now - dt.timedelta(minutes=minutes_ago), number)


def _back_in_time(account: ChannelAccount, call_id: str, start: dt.datetime, seed: int) -> None:
    """The demo plays its calls now; move them to when they happened today."""
    call = Call.objects.get(account=account, call_id=call_id)
    talk = dt.timedelta(seconds=60 + 37 * seed)
    ring = dt.timedelta(seconds=8 + seed)
    answered = start + ring if call.answered_at else None
    ended = (answered + talk) if answered else start + ring * 2
    Call.objects.filter(pk=call.pk).update(
        started_at=start,
        answered_at=answered,
        ended_at=ended,
        duration_seconds=int((ended - (answered or start)).total_seconds()),
    )
    CallEvent.objects.filter(account=account, call_id=call_id).update(received_at=start)
    CallBack.objects.filter(call=call).update(due_at=ended + dt.timedelta(hours=4))

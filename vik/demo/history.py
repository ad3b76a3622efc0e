"""Half a year of the demo's phone line, chat and knowledge centre before today, so that the
reports (calls, chats, knowledge use, workload) show months with something in them.

The calls, call-backs and usage events are written as rows (what the phone system and the
pages would have left behind); the chats are played through the chat's own services at the
moments they happened (`clock.travel`). Seeded: every load writes the same history, once.
"""

from __future__ import annotations

import datetime as dt
import random

from vik.channels.chat import services as chat
from vik.channels.chat.models import ChatSession
from vik.channels.core.models import ChannelAccount
from vik.channels.phone.choices import CallBackSource, CallBackState, CallDirection, CallState
from vik.channels.phone.models import Call, CallBack
from vik.core import clock
from vik.knowledge.choices import UsageKind, UsageWhere
from vik.knowledge.models import Article, UsageEvent
from vik.sla import calendar
from vik.tenancy.choices import Role
from vik.tenancy.models import InformationCentre, Membership, User
from vik.territory.models import Region

DAYS = 182
CALL_PREFIX = "hist-"
CALLBACK_PREFIX = "ZV-D-"
# The chats of the history (besides the three of `vik.demo.chat`): taken and rated, taken and
# not rated, and left in the queue before anyone took them.
HISTORY_CHATS = 24
HISTORY_CHATS_RATED = 12
QUESTIONS = (
    "Dobrý den, jaké jsou úřední hodiny matriky?",
    "Potřebuji vyřídit nový řidičský průkaz, co mám přinést?",
    "Kdy se platí poplatek za psa?",
    "Kde najdu formulář pro přihlášení k trvalému pobytu?",
    "Dobrý den, jak dlouho trvá vydání občanského průkazu?",
    "Můžu zaplatit poplatek za odpad kartou?",
)
EMPTY_SEARCHES = ("kotlíková dotace 2027", "parkovací karta pro návštěvy", "ztráta psa hlášení")


def _working_moments(rng: random.Random, day: dt.date, count: int) -> list[dt.datetime]:
    return sorted(
        dt.datetime.combine(day, dt.time(8), tzinfo=clock.PRAGUE)
        + dt.timedelta(minutes=rng.randrange(0, 8 * 60))
        for _n in range(count)
    )


def _history_days(today: dt.date) -> list[dt.date]:
    return [
        today - dt.timedelta(days=offset)
        for offset in range(DAYS, 0, -1)
        if calendar.is_working_day(today - dt.timedelta(days=offset))
    ]


def _agents_by_centre(region: Region) -> dict[int, list[int]]:
    agents: dict[int, list[int]] = {}
    for user_id, centre_id in Membership.objects.filter(
        region=region, role__in=(Role.AGENT, Role.CENTRE_LEAD), centre__isnull=False
    ).values_list("user_id", "centre_id"):
        agents.setdefault(centre_id, []).append(user_id)
    return agents


def build_call_history(account: ChannelAccount, centres: list[InformationCentre]) -> int:
    """Weekday calls of the last half year across the centres: most answered after a short
    wait, some missed (with a call-back each, most reached), a few outgoing. Returns how many
    calls it wrote (0 when the history is there)."""
    if Call.objects.filter(account=account, call_id__startswith=CALL_PREFIX).exists():
        return 0
    rng = random.Random(17)
    agents = _agents_by_centre(account.region)
    calls: list[Call] = []
    for day in _history_days(clock.today()):
        for centre in centres:
            people = agents.get(centre.pk) or []
            busy = 6 if centre.slug == "vys-jihlava" else rng.randrange(0, 3)
            for started in _working_moments(rng, day, busy):
                answered = rng.random() < 0.82 and bool(people)
                wait = dt.timedelta(seconds=rng.randrange(4, 120))
                talk = rng.randrange(40, 540)
                outgoing = rng.random() < 0.1
                calls.append(
                    Call(
                        account=account, region=account.region, centre=centre,
                        call_id=f"{CALL_PREFIX}{len(calls)}",
                        direction=CallDirection.OUT if outgoing else CallDirection.IN,
                        from_number=f"+420603{rng.randrange(100000, 999999)}",
                        to_number="800100200",
                        state=CallState.ENDED if answered or outgoing else CallState.MISSED,
                        started_at=started,
                        answered_at=started + wait if answered or outgoing else None,
                        ended_at=started + wait + dt.timedelta(seconds=talk),
                        duration_seconds=talk if answered or outgoing else None,
                        cause="normalClearing" if answered else "noAnswer",
                        agent_id=rng.choice(people) if (answered or outgoing) and people else None,
                    )
                )  # fmt: skip
    Call.objects.bulk_create(calls, batch_size=1000)
    _callback_history(account, calls, rng)
    return len(calls)


def _callback_history(account: ChannelAccount, calls: list[Call], rng: random.Random) -> None:
    missed = Call.objects.filter(
        account=account, call_id__startswith=CALL_PREFIX, state=CallState.MISSED
    ).order_by("started_at")
    callbacks = []
    for number, call in enumerate(missed):
        reached = rng.random() < 0.8
        closed = call.started_at + dt.timedelta(minutes=rng.randrange(20, 300))
        callbacks.append(
            CallBack(
                region=account.region, centre=call.centre, source=CallBackSource.MISSED_CALL,
                call=call, number=call.from_number, reference=f"{CALLBACK_PREFIX}{number:05d}",
                state=CallBackState.REACHED if reached else CallBackState.GAVE_UP,
                due_at=call.started_at + dt.timedelta(hours=4), tries=1 if reached else 3,
                closed_at=closed,
            )
        )  # fmt: skip
    made = CallBack.objects.bulk_create(callbacks, batch_size=1000)
    for callback, call in zip(made, missed, strict=True):  # asked for when the call was missed
        CallBack.objects.filter(pk=callback.pk).update(created_at=call.started_at)


def build_chat_history(region: Region, centre: InformationCentre) -> int:
    """Chats of the last half year in the centre, played through the chat's services at the
    time they happened: most taken by an agent (half of them rated), some left in the queue."""
    if ChatSession.objects.filter(centre=centre, page_url__endswith="#historie").exists():
        return 0
    rng = random.Random(23)
    agents = list(
        User.objects.filter(
            memberships__centre=centre, memberships__role=Role.AGENT, is_active=True
        ).order_by("pk")
    )
    target = chat.Target(region=region, centre=centre)
    days = _history_days(clock.today())
    for number in range(HISTORY_CHATS):
        day = days[(number * len(days)) // HISTORY_CHATS]
        queued = _working_moments(rng, day, 1)[0]
        with clock.travel(queued):
            session = chat.chat_start(
                target=target, text=QUESTIONS[number % len(QUESTIONS)],
                page_url="https://www.jihlava.cz/#historie", client_id=f"hist-{number}-0",
            )  # fmt: skip
        left = number % 6 == 5 or not agents
        if left:
            with clock.travel(queued + dt.timedelta(minutes=rng.randrange(2, 9))):
                chat.chat_close(session_id=session.pk, by=None)
            continue
        agent = agents[number % len(agents)]
        accepted = queued + dt.timedelta(seconds=rng.randrange(10, 240))
        with clock.travel(accepted):
            chat.chat_accept(session_id=session.pk, agent=agent)
            chat.message_post(
                session=session, sender="agent", text="Dobrý den, hned se podívám.",
                client_id=f"hist-{number}-1", author=agent,
            )  # fmt: skip
        with clock.travel(accepted + dt.timedelta(minutes=rng.randrange(3, 25))):
            chat.chat_close(session_id=session.pk, by=agent)
        if number < HISTORY_CHATS_RATED * 2 and number % 2 == 0:
            session.refresh_from_db()
            chat.chat_rate(session=session, score=rng.choice((3, 4, 5, 5, 5)))
    return HISTORY_CHATS


def build_usage_history(region: Region, centres: list[InformationCentre]) -> int:
    """What readers and clerks did with the knowledge centre in the last half year: views,
    feedback, uses in replies, deflected requests, searches (a few finding nothing)."""
    if UsageEvent.objects.filter(created_at__lt=clock.now() - dt.timedelta(days=2)).exists():
        return 0
    rng = random.Random(29)
    articles = list(
        Article.objects.filter(published_version__isnull=False)
        .order_by("pk")
        .values_list("pk", "topic_id")[:40]
    )
    if not articles:
        return 0
    events: list[UsageEvent] = []
    weights = [1 / (rank + 1) for rank in range(len(articles))]  # a few articles read most
    for day in _history_days(clock.today()):
        for centre in rng.sample(centres, k=min(4, len(centres))):
            for moment in _working_moments(rng, day, rng.randrange(2, 9)):
                article_id, topic_id = rng.choices(articles, weights)[0]
                kind = rng.choices(
                    (UsageKind.ARTICLE_VIEW, UsageKind.HELPFUL, UsageKind.NOT_HELPFUL,
                     UsageKind.USED_IN_REPLY, UsageKind.DEFLECTED),
                    (60, 10, 3, 12, 5),
                )[0]  # fmt: skip
                events.append(
                    UsageEvent(
                        kind=kind, where=UsageWhere.PORTAL, article_id=article_id,
                        topic_id=topic_id, centre=centre, created_at=moment,
                    )
                )  # fmt: skip
            for moment in _working_moments(rng, day, rng.randrange(1, 4)):
                empty = rng.random() < 0.15
                events.append(
                    UsageEvent(
                        kind=UsageKind.SEARCH_EMPTY if empty else UsageKind.SEARCH,
                        where=UsageWhere.PORTAL, centre=centre, created_at=moment,
                        query=rng.choice(EMPTY_SEARCHES) if empty else "obcansky prukaz",
                    )
                )  # fmt: skip
    UsageEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)

"""The demo's citizen satisfaction: ratings on most of the resolved requests (mostly 4–5, some
1–2 with a comment), given a few hours after the resolution through the real service, so that
the follow-up list (/staff/satisfaction/) and the reports show data; one dissatisfied rating of
Jihlava already followed up by its lead."""

from __future__ import annotations

import datetime as dt
import random

from vik.channels.core.choices import ChannelKind
from vik.conversations.models import Request
from vik.core import clock
from vik.satisfaction import services
from vik.satisfaction.models import Rating
from vik.tenancy.models import User
from vik.territory.models import Region

SHARE = 0.6  # of the resolved requests that get a rating
SCORES = [(5, 45), (4, 28), (3, 10), (2, 9), (1, 8)]
COMMENTS = {
    5: ["Rychlá a srozumitelná odpověď, děkuji.", "Paní byla moc ochotná.", ""],
    4: ["Odpověď přišla druhý den, ale byla úplná.", "", ""],
    3: ["Odpověď byla obecná, musel jsem se doptat.", ""],
    2: ["Čekal jsem na odpověď skoro týden.", "Odpověď neodpovídala na moji otázku."],
    1: ["Nikdo mi pořádně neodpověděl, musel jsem volat třikrát.",
        "Poslali mě na jiný úřad a tam o ničem nevěděli."],
}  # fmt: skip
# The channel a citizen answers on: the link in their e-mail or SMS, else the tracking page.
ANSWERED_ON: dict[str, str] = {
    ChannelKind.EMAIL: ChannelKind.EMAIL,
    ChannelKind.SMS: ChannelKind.SMS,
}


def _score(rng: random.Random) -> int:
    return rng.choices([s for s, _w in SCORES], weights=[w for _s, w in SCORES])[0]


def build_ratings(region: Region, seed: int = 17) -> int:
    """Rate a share of the region's resolved requests not rated yet; returns how many. Which
    ones, and how, follows from each request's reference: a second run adds nothing."""
    rated = Rating.objects.values("request_id")
    resolved = (
        Request.objects.filter(region=region, resolved_at__isnull=False, merged_into=None)
        .exclude(pk__in=rated)
        .order_by("pk")
    )
    now, count = clock.now(), 0
    for request in resolved:
        rng = random.Random(f"{seed}-{request.reference}")
        if rng.random() > SHARE or request.resolved_at is None:
            continue
        score = _score(rng)
        answered = min(request.resolved_at + dt.timedelta(hours=rng.uniform(1, 48)), now)
        with clock.travel(answered):
            services.rating_record(
                request=request, score=score, comment=rng.choice(COMMENTS[score]),
                channel=ANSWERED_ON.get(request.origin_channel, ChannelKind.WEB),
            )  # fmt: skip
        count += 1
    _follow_up_one(region)
    return count


def _follow_up_one(region: Region) -> None:
    lead = User.objects.filter(username="vedouci.jihlava").first()
    if lead is None or Rating.objects.filter(followed_up_at__isnull=False).exists():
        return
    first = (
        Rating.objects.filter(request__region=region, request__centre__slug="vys-jihlava")
        .filter(score__lte=2)
        .order_by("answered_at")
        .first()
    )
    if first is not None:
        services.rating_follow_up(
            rating=first, by=lead, note="Volal jsem občanovi a omluvil se, věc jsme dořešili."
        )

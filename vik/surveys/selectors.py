"""Reading surveys: a person's open invitations, the lists, and the results by group.

A group (the whole audience, a region, a centre) is shown only with at least
`VIK_SURVEY_MIN_GROUP` answers. Hiding the small groups alone is not enough: a region of 9
answers shown beside its centre A of 5 would give away centre B's 4 by subtraction. So within
each parent group, while the hidden children hold between 1 and the minimum answers together,
the smallest shown child is hidden too (secondary suppression, as statistical offices do).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from vik.core import clock
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from .choices import SCALE_VALUES, QuestionKind, SurveyPurpose
from .models import Answer, Invitation, Question, Response, Round, Survey

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser, Viewer

ALL = "all"


def invitations_open(*, user: StaffUser) -> QuerySet[Invitation]:
    """The user's invitations to rounds that still take answers and that they have not
    answered."""
    return (
        Invitation.objects.filter(
            user=user, is_answered=False, round__closed_at__isnull=True,
            round__closes_on__gte=clock.today(),
        )
        .select_related("round__survey")
        .order_by("round__closes_on", "pk")
    )  # fmt: skip


def invitation_of(*, round: Round, user: StaffUser) -> Invitation | None:
    return Invitation.objects.filter(round=round, user=user).first()


def surveys_composed(*, user: Viewer) -> QuerySet[Survey]:
    regions = permissions.survey_regions_composed(user)
    surveys = Survey.objects.filter(purpose=SurveyPurpose.STAFF)
    if regions is not None:
        surveys = surveys.filter(region_id__in=sorted(regions))
    return surveys.select_related("region").prefetch_related("rounds")


def rounds_with_results(*, user: Viewer) -> QuerySet[Round]:
    """The rounds of the staff surveys whose results the user reads (some or all groups)."""
    regions = permissions.survey_result_regions(user)
    rounds = Round.objects.filter(survey__purpose=SurveyPurpose.STAFF)
    if regions is not None:
        rounds = rounds.filter(survey__region_id__in=sorted(regions))
    return rounds.select_related("survey").order_by("-sent_at", "-pk")


def round_participation(*, round: Round) -> tuple[int, int]:
    """(invited, answered): the participation list's counts."""
    counts = Invitation.objects.filter(round=round).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(is_answered=True))
    )
    return counts["invited"], counts["answered"]


# Results -------------------------------------------------------------------------------------


@dataclass
class Share:
    label: str
    count: int
    percent: int


@dataclass
class QuestionResult:
    question: Question
    answered: int
    average: Decimal | None = None
    distribution: list[Share] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class GroupResult:
    key: str
    label: str
    level: str  # "all", "region" or "centre"
    size: int
    is_shown: bool = False
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def averages(self) -> dict[int, Decimal | None]:
        return {result.question.pk: result.average for result in self.questions}


def min_group() -> int:
    return int(settings.VIK_SURVEY_MIN_GROUP)


def _suppress(sizes: dict[str, int], minimum: int) -> set[str]:
    """The children of one parent to hide: the small ones, and then the smallest others until
    what is hidden together is nothing or at least `minimum` answers."""
    hidden = {key for key, size in sizes.items() if size < minimum}
    while 0 < sum(sizes[key] for key in hidden) < minimum:
        shown = sorted((size, key) for key, size in sizes.items() if key not in hidden)
        if not shown:
            break
        hidden.add(shown[0][1])
    return hidden


def round_results(*, round: Round, viewer: Viewer) -> list[GroupResult]:
    """The round's results by group, those the viewer may see: every group for the survey's
    coordinators and analysts, their own centres' for a centre lead. A group under the minimum
    (or hidden to protect one) carries no figures."""
    every, own_centres = permissions.survey_results_scope(viewer, region_id=round.survey.region_id)
    groups = _groups(round)
    if not every:
        groups = [g for g in groups if g.level == "centre" and int(g.key[7:]) in own_centres]
    shown = [g for g in groups if g.is_shown]
    if shown:
        _fill(round, shown)
    return groups


def _groups(round: Round) -> list[GroupResult]:
    """Every group of the round with its size and whether it may be shown."""
    minimum = min_group()
    rows = list(
        Response.objects.filter(round=round)
        .values_list("region_id", "centre_id")
        .annotate(size=Count("pk"))
        .order_by()
    )
    by_region: dict[int | None, dict[int | None, int]] = defaultdict(dict)
    for region_id, centre_id, size in rows:
        by_region[region_id][centre_id] = by_region[region_id].get(centre_id, 0) + size
    total = sum(size for _r, _c, size in rows)
    region_sizes = {f"region:{r}": sum(c.values()) for r, c in by_region.items()}
    hidden_regions = _suppress(region_sizes, minimum) if total >= minimum else set(region_sizes)
    regions = Region.objects.in_bulk([r for r in by_region if r is not None])
    centres = InformationCentre.objects.in_bulk(
        [c for centres in by_region.values() for c in centres if c is not None]
    )
    result = [GroupResult(ALL, _("All respondents"), "all", total, is_shown=total >= minimum)]
    for region_id in sorted(by_region, key=lambda r: str(regions.get(r, "")) if r else ""):
        key = f"region:{region_id}"
        region_shown = key not in hidden_regions
        region = regions.get(region_id) if region_id is not None else None
        result.append(
            GroupResult(
                key, str(region) if region else _("unknown region"), "region",
                region_sizes[key], is_shown=region_shown and region is not None,
            )
        )  # fmt: skip
        centre_sizes = {f"centre:{c}": size for c, size in by_region[region_id].items()}
        hidden = _suppress(centre_sizes, minimum) if region_shown else set(centre_sizes)
        for centre_id in sorted(
            (c for c in by_region[region_id] if c is not None), key=lambda c: str(centres[c])
        ):
            key = f"centre:{centre_id}"
            result.append(
                GroupResult(
                    key, str(centres[centre_id]), "centre", centre_sizes[key],
                    is_shown=key not in hidden,
                )
            )  # fmt: skip
    return result


def _in_group(group: GroupResult, region_id: int | None, centre_id: int | None) -> bool:
    if group.level == "all":
        return True
    if group.level == "region":
        return group.key == f"region:{region_id}"
    return group.key == f"centre:{centre_id}"


def _fill(round: Round, groups: Sequence[GroupResult]) -> None:
    questions = list(round.survey.questions.all())
    answers = list(
        Answer.objects.filter(response__round=round).values_list(
            "question_id", "number", "choices", "text", "response__region_id",
            "response__centre_id",
        )
    )  # fmt: skip
    for group in groups:
        mine = [a for a in answers if _in_group(group, a[4], a[5])]
        group.questions = [
            _question_result(question, [a for a in mine if a[0] == question.pk])
            for question in questions
        ]


def _percent(count: int, total: int) -> int:
    return int((Decimal(100 * count) / total).quantize(Decimal(1), ROUND_HALF_UP)) if total else 0


def _question_result(question: Question, rows: Sequence[tuple]) -> QuestionResult:  # type: ignore[type-arg]
    result = QuestionResult(question=question, answered=len(rows))
    if question.kind == QuestionKind.SCALE:
        numbers = [row[1] for row in rows if row[1] is not None]
        if numbers:
            result.average = (Decimal(sum(numbers)) / len(numbers)).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        counts = Counter(numbers)
        result.distribution = [
            Share(str(value), counts[value], _percent(counts[value], len(numbers)))
            for value in SCALE_VALUES
        ]
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        counts = Counter(option for row in rows for option in row[2])
        result.distribution = [
            Share(option, counts[option], _percent(counts[option], len(rows)))
            for option in question.options
        ]
    else:
        # Sorted, not in the order given: the order of submission says something of who.
        result.texts = sorted((row[3] for row in rows if row[3]), key=str.casefold)
    return result


# Comparison over rounds ----------------------------------------------------------------------


@dataclass
class ComparisonRow:
    label: str
    level: str
    averages: list[Decimal | None]  # one per round; None: not shown in that round


@dataclass
class QuestionComparison:
    question: Question
    rows: list[ComparisonRow]


def survey_comparison(
    *, survey: Survey, viewer: Viewer
) -> tuple[list[Round], list[QuestionComparison]]:
    """The averages of each scale question, group by group, round by round: only where the
    group was shown in that round."""
    rounds = list(survey.rounds.order_by("number"))
    per_round = [{g.key: g for g in round_results(round=round, viewer=viewer)} for round in rounds]
    keys: dict[str, tuple[str, str]] = {}
    for groups in per_round:
        for key, group in groups.items():
            keys.setdefault(key, (group.label, group.level))
    order = {"all": 0, "region": 1, "centre": 2}
    ordered = sorted(keys.items(), key=lambda item: (order[item[1][1]], item[1][0]))
    comparisons = []
    for question in survey.questions.filter(kind=QuestionKind.SCALE):
        rows = []
        for key, (label, level) in ordered:
            averages: list[Decimal | None] = []
            for groups in per_round:
                found = groups.get(key)
                shown = found is not None and found.is_shown
                averages.append(found.averages.get(question.pk) if shown and found else None)
            rows.append(ComparisonRow(label, level, averages))
        comparisons.append(QuestionComparison(question, rows))
    return rounds, comparisons


def audience_labels(*, round: Round) -> list[str]:
    labels: Iterable[object] = [*round.audience_regions.all(), *round.audience_centres.all()]
    return [str(label) for label in labels]

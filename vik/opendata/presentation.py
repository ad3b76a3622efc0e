"""A snapshot's payload as the page /statistiky/ shows it: months and numbers in the reader's
language and Czech (or English) formatting, bars scaled to the largest value, suppressed cells
marked, and the one-sentence summaries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from . import datasets, selectors

# "In November 2026": Czech needs the locative, which no date format gives.
IN_MONTH = {
    1: gettext_lazy("In January %(year)s"),
    2: gettext_lazy("In February %(year)s"),
    3: gettext_lazy("In March %(year)s"),
    4: gettext_lazy("In April %(year)s"),
    5: gettext_lazy("In May %(year)s"),
    6: gettext_lazy("In June %(year)s"),
    7: gettext_lazy("In July %(year)s"),
    8: gettext_lazy("In August %(year)s"),
    9: gettext_lazy("In September %(year)s"),
    10: gettext_lazy("In October %(year)s"),
    11: gettext_lazy("In November %(year)s"),
    12: gettext_lazy("In December %(year)s"),
}
# "…, most of them by e-mail": the channel as the means (Czech instrumental).
MOSTLY_BY = {
    "web": gettext_lazy("most of them through the web form"),
    "email": gettext_lazy("most of them by e-mail"),
    "phone": gettext_lazy("most of them by phone"),
    "fax": gettext_lazy("most of them by fax"),
    "sms": gettext_lazy("most of them by SMS"),
    "chat": gettext_lazy("most of them in the chat"),
    "databox": gettext_lazy("most of them through a data box"),
    "counter": gettext_lazy("most of them at the counter"),
    "letter": gettext_lazy("most of them by letter"),
    "internal": gettext_lazy("most of them on the centres' own initiative"),
}
RECENT_MONTHS = 13  # the tables show the last 12 complete months and the current one


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # formatted, or "" when suppressed
    width: int  # percent of the largest value shown
    suppressed: bool = False


@dataclass
class Section:
    rows: list[Bar] = field(default_factory=list)
    summary: str = ""

    @property
    def has_values(self) -> bool:
        """Whether the chart would show any bar (not every value suppressed)."""
        return any(not bar.suppressed for bar in self.rows)


def number(value: float | int, decimals: int | None = None) -> str:
    """1 234 and 4,2 in Czech; 1,234 and 4.2 in English."""
    return str(
        formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    )


def month_date(month: str) -> dt.date:
    return dt.date.fromisoformat(f"{month}-01")


def month_label(month: str) -> str:
    """ "listopad 2026" / "November 2026"."""
    return str(date_format(month_date(month), "F Y"))


def month_label_from(month: str) -> str:
    """ "listopadu 2026" / "November 2026": after "od", "do" (Czech genitive)."""
    return str(date_format(month_date(month), "E Y"))


def _bars(items: list[tuple[str, int | float | None, str]]) -> list[Bar]:
    """(label, value or None when suppressed, the value formatted) as bars."""
    largest = max((value for _label, value, _text in items if value is not None), default=0)
    return [
        Bar(
            label=label,
            value=text if value is not None else "",
            width=round(100 * value / largest) if value is not None and largest else 0,
            suppressed=value is None,
        )
        for label, value, text in items
    ]


def _label(category: dict[str, str]) -> str:
    return category["en"] if (get_language() or "cs").startswith("en") else category["cs"]


def _recent(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return cells[-RECENT_MONTHS:]


def _count_text(value: int | None) -> str:
    return number(value) if value is not None else ""


def page_context(payload: dict[str, Any]) -> dict[str, Any]:
    """Everything the page shows of a snapshot."""
    channel_labels = {item["code"]: _label(item) for item in payload["channels"]}
    topic_labels = {item["code"]: _label(item) for item in payload["topics"]}
    months = payload["months"]
    last_complete = months[-2]["month"]
    current = months[-1]["month"]

    by_month = Section(
        rows=_bars(
            [
                (month_label(cell["month"]), cell["count"], _count_text(cell["count"]))
                for cell in _recent(payload["by_month"])
            ]
        ),
        summary=_requests_summary(payload, last_complete, channel_labels),
    )
    channels = Section(
        rows=_bars(
            [
                (channel_labels[item["code"]], item["count"], _count_text(item["count"]))
                for item in payload["channel_year"]
            ]
        ),
        summary=_top_summary(
            payload["channel_year"],
            channel_labels,
            _("In the last 12 months most requests came through “%(label)s” (%(count)s)."),
        ),
    )
    topics = Section(
        rows=_bars(
            [
                (topic_labels[item["code"]], item["count"], _count_text(item["count"]))
                for item in payload["topic_year"]
            ]
        ),
        summary=_top_summary(
            payload["topic_year"],
            topic_labels,
            _("In the last 12 months most requests were about “%(label)s” (%(count)s)."),
        ),
    )
    response = Section(
        rows=_bars(
            [
                (
                    month_label(cell["month"]),
                    cell["median_minutes"],
                    _duration(cell["median_minutes"]) if cell["median_minutes"] is not None else "",
                )
                for cell in _recent(payload["response_time"])
            ]
        ),
        summary=_response_summary(payload, last_complete),
    )
    satisfaction_rows = [
        {
            "month": month_label(cell["month"]),
            "ratings": _count_text(cell["ratings"]),
            "share": (
                f"{number(round(cell['satisfied_share'] * 100))} %"
                if cell["satisfied_share"] is not None
                else ""
            ),
            "average": number(cell["average"], 1) if cell["average"] is not None else "",
        }
        for cell in _recent(payload["satisfaction"])
    ]
    satisfaction = Section(
        rows=_bars(
            [
                (
                    month_label(cell["month"]),
                    cell["satisfied_share"],
                    f"{number(round(cell['satisfied_share'] * 100))} %"
                    if cell["satisfied_share"] is not None
                    else "",
                )
                for cell in _recent(payload["satisfaction"])
            ]
        ),
        summary=_satisfaction_summary(payload, last_complete),
    )
    response_rows = [
        {
            "month": month_label(cell["month"]),
            "answered": _count_text(cell["answered"]),
            "median": _duration(cell["median_minutes"])
            if cell["median_minutes"] is not None
            else "",
        }
        for cell in _recent(payload["response_time"])
    ]
    english = (get_language() or "cs").startswith("en")
    code = payload["region"]["code"]
    return {
        "payload": payload,
        "region_name": payload["region"]["name"],
        "generated_at": dt.datetime.fromisoformat(payload["generated_at"]),
        "minimum": payload["min_cell"],
        "year_first": month_label_from(payload["year"]["first"]),
        "year_last": month_label_from(payload["year"]["last"]),
        "current_month_from": month_label_from(current),
        "current_month": month_label(current),
        "by_month": by_month,
        "channels": channels,
        "topics": topics,
        "response": response,
        "satisfaction": satisfaction,
        "satisfaction_rows": satisfaction_rows,
        "response_rows": response_rows,
        "guides": [
            {
                "title": guide["en"] if english else guide["cs"],
                "url": guide["url"],
                "reads": number(guide["reads"]),
                "reads_count": guide["reads"],
            }
            for guide in payload["guides"]
        ],
        "downloads": [
            {
                "title": dataset.title_en if english else dataset.title_cs,
                "csv": datasets.path_of("opendata_csv", code, dataset.slug),
                "metadata": datasets.path_of("opendata_csv_metadata", code, dataset.slug),
            }
            for dataset in datasets.DATASETS.values()
        ],
        "catalogue_url": datasets.path_of("opendata_catalogue", code),
    }


def _duration(minutes: int) -> str:
    """Working time as hours and minutes: "2 h 05 min", "45 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    return _("%(hours)s h %(minutes)02d min") % {"hours": number(hours), "minutes": rest}


def _in_month(month: str) -> str:
    date = month_date(month)
    return str(IN_MONTH[date.month]) % {"year": date.year}


def _requests_summary(payload: dict[str, Any], month: str, channel_labels: dict[str, str]) -> str:
    total = next(cell["count"] for cell in payload["by_month"] if cell["month"] == month)
    if total is None:
        return _("%(in_month)s the centres received fewer than %(minimum)s requests.") % {
            "in_month": _in_month(month),
            "minimum": payload["min_cell"],
        }
    cells = [
        cell
        for cell in payload["by_channel"]
        if cell["month"] == month and cell["count"] is not None
    ]
    sentence = _("%(in_month)s the centres received %(count)s requests") % {
        "in_month": _in_month(month),
        "count": number(total),
    }
    if cells:
        top = max(cells, key=lambda cell: cell["count"])
        mostly = MOSTLY_BY.get(top["code"])
        if mostly is not None:
            return f"{sentence}, {mostly}."
    return f"{sentence}."


def _top_summary(items: list[dict[str, Any]], labels: dict[str, str], sentence: str) -> str:
    shown = [
        item for item in items if item["count"] is not None and item["code"] != selectors.NO_TOPIC
    ]
    if not shown:
        return ""
    top = shown[0]
    return sentence % {"count": number(top["count"]), "label": labels[top["code"]]}


def _response_summary(payload: dict[str, Any], month: str) -> str:
    cell = next(cell for cell in payload["response_time"] if cell["month"] == month)
    if cell["median_minutes"] is None:
        return _("%(in_month)s too few requests were answered to publish a typical time.") % {
            "in_month": _in_month(month)
        }
    return _(
        "%(in_month)s half of the requests were answered within %(duration)s of working time."
    ) % {"in_month": _in_month(month), "duration": _duration(cell["median_minutes"])}


def _satisfaction_summary(payload: dict[str, Any], month: str) -> str:
    cell = next(cell for cell in payload["satisfaction"] if cell["month"] == month)
    if cell["satisfied_share"] is None:
        return _(
            "%(in_month)s too few citizens rated the answers to publish their satisfaction."
        ) % {"in_month": _in_month(month)}
    return _(
        "%(in_month)s %(share)s %% of the ratings were 4 or 5 out of 5 (average %(average)s)."
    ) % {
        "in_month": _in_month(month),
        "share": number(round(cell["satisfied_share"] * 100)),
        "average": number(cell["average"], 1),
    }

"""Articles as JSON Lines: reading an import file line by line, writing the export.

One JSON object per line. `title` and `body` are required; the optional keys are listed in
`OPTIONAL_KEYS`. An export line is a valid import line, so `vik knowledge export` and
`vik knowledge import` round-trip.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q

from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.models import Topic

from .choices import SECTION_KEYS, ArticleKind, Audience
from .models import Article, ArticleVersion

REQUIRED_KEYS = {"title", "body"}
TEXT_KEYS = {"title", "summary", "question", "body", "sections", "questions"}
OPTIONAL_KEYS = {
    "kind", "topic", "source_url", "question", "summary", "sections", "audience", "tags",
    "slug", "region", "centre", "variant_of", "en", "questions",
}  # fmt: skip
DEFAULT_KIND = ArticleKind.FAQ  # what a municipality's website mostly has


@dataclass
class ImportRecord:
    line: int
    title: str
    body: str
    kind: str = DEFAULT_KIND
    summary: str = ""
    question: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    # How people ask: None when the line has no "questions" (an article's stay as they are).
    questions: list[str] | None = None
    audience: str | None = None
    topic: Topic | None = None
    tags: list[str] | None = None
    source_url: str = ""
    slug: str = ""
    region: Region | None = None
    centre: InformationCentre | None = None
    variant_of: str = ""
    english: dict[str, Any] | None = None

    def text(self) -> dict[str, Any]:
        text: dict[str, Any] = {
            "title": self.title,
            "summary": self.summary,
            "question": self.question,
            "body": self.body,
            "sections": self.sections,
        }
        if self.questions is not None:
            text["questions"] = self.questions
        return text


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class LineInvalid(ValueError):
    pass


def _string(data: dict[str, Any], key: str, *, limit: int | None = None) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LineInvalid(f"“{key}” must be a string")
    if limit is not None and len(value) > limit:
        raise LineInvalid(f"“{key}” is longer than {limit} characters")
    return value


def _sections(data: dict[str, Any]) -> dict[str, str]:
    value = data.get("sections") or {}
    if not isinstance(value, dict):
        raise LineInvalid("“sections” must be an object")
    unknown = sorted(set(value) - set(SECTION_KEYS))
    if unknown:
        raise LineInvalid(
            f"unknown sections: {', '.join(unknown)} (known: {', '.join(SECTION_KEYS)})"
        )
    if not all(isinstance(text, str) for text in value.values()):
        raise LineInvalid("every section must be a string")
    return {key: text for key, text in value.items() if text.strip()}


def _questions(data: dict[str, Any]) -> list[str] | None:
    if "questions" not in data:
        return None
    value = data["questions"]
    if not isinstance(value, list) or not all(isinstance(text, str) for text in value):
        raise LineInvalid("“questions” must be a list of strings")
    return [text for text in value if text.strip()]


def _topic(value: Any) -> Topic | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise LineInvalid("“topic” must be a topic's slug or name")
    found = list(
        Topic.objects.filter(Q(slug=value) | Q(name_cs__iexact=value) | Q(name_en__iexact=value))[
            :2
        ]
    )
    if len(found) != 1:
        raise LineInvalid(f"unknown topic “{value}” (give a topic's slug or its exact name)")
    return found[0]


def _choice(data: dict[str, Any], key: str, choices: Any, default: str | None) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        return default
    if value not in choices.values:
        raise LineInvalid(f"unknown {key} “{value}” (one of: {', '.join(choices.values)})")
    return str(value)


def _source_url(data: dict[str, Any]) -> str:
    url = _string(data, "source_url", limit=500).strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise LineInvalid(f"“source_url” is not an http(s) address: {url}") from None
    return url


def _tags(data: dict[str, Any]) -> list[str] | None:
    if "tags" not in data:
        return None
    tags = data["tags"]
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise LineInvalid("“tags” must be a list of strings")
    return tags


def _scope(data: dict[str, Any]) -> tuple[Region | None, InformationCentre | None]:
    region = centre = None
    if data.get("region"):
        region = Region.objects.filter(code=str(data["region"])).first()
        if region is None:
            raise LineInvalid(f"unknown region code “{data['region']}”")
    if data.get("centre"):
        centre = InformationCentre.objects.filter(slug=str(data["centre"])).first()
        if centre is None:
            raise LineInvalid(f"unknown centre “{data['centre']}”")
        if region is not None and centre.region_id != region.pk:
            raise LineInvalid("the centre is not in the region")
    return region, centre


def _english(data: dict[str, Any]) -> dict[str, Any] | None:
    value = data.get("en")
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("title"), str):
        raise LineInvalid("“en” must be an object with at least a “title”")
    unknown = sorted(set(value) - TEXT_KEYS)
    if unknown:
        raise LineInvalid(f"unknown keys in “en”: {', '.join(unknown)}")
    english = {
        "title": _string(value, "title", limit=300),
        "summary": _string(value, "summary"),
        "question": _string(value, "question"),
        "body": _string(value, "body"),
        "sections": _sections(value),
    }
    questions = _questions(value)
    if questions is not None:
        english["questions"] = questions
    return english


def parse_line(number: int, line: str) -> ImportRecord:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise LineInvalid(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise LineInvalid("not a JSON object")
    missing = sorted(REQUIRED_KEYS - set(data))
    if missing:
        raise LineInvalid(f"missing {', '.join(missing)}")
    unknown = sorted(set(data) - REQUIRED_KEYS - OPTIONAL_KEYS)
    if unknown:
        raise LineInvalid(f"unknown keys: {', '.join(unknown)}")
    title = _string(data, "title", limit=300).strip()
    if not title:
        raise LineInvalid("the title is empty")
    region, centre = _scope(data)
    return ImportRecord(
        line=number,
        title=title,
        body=_string(data, "body"),
        kind=_choice(data, "kind", ArticleKind, DEFAULT_KIND) or DEFAULT_KIND,
        summary=_string(data, "summary"),
        question=_string(data, "question"),
        sections=_sections(data),
        questions=_questions(data),
        audience=_choice(data, "audience", Audience, None),
        topic=_topic(data.get("topic")),
        tags=_tags(data),
        source_url=_source_url(data),
        slug=_string(data, "slug", limit=120).strip(),
        region=region,
        centre=centre,
        variant_of=_string(data, "variant_of", limit=120).strip(),
        english=_english(data),
    )


def parse_lines(lines: Iterable[str]) -> tuple[list[ImportRecord], list[LineError]]:
    """Every line checked; blank lines are skipped. Numbers count from 1, as editors do."""
    records: list[ImportRecord] = []
    errors: list[LineError] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(parse_line(number, line))
        except LineInvalid as error:
            errors.append(LineError(number, str(error)))
    return records, errors


# Export -------------------------------------------------------------------------------------


def _text(version: ArticleVersion) -> dict[str, Any]:
    text: dict[str, Any] = {"title": version.title, "body": version.body}
    for key in ("summary", "question"):
        if getattr(version, key):
            text[key] = getattr(version, key)
    if version.sections:
        text["sections"] = dict(version.sections)
    if version.questions:
        text["questions"] = list(version.questions)
    return text


def article_record(article: Article) -> dict[str, Any]:
    """One export line: the live text (Czech, and English when there is one) and the details."""
    assert article.published_version is not None
    record: dict[str, Any] = {
        **_text(article.published_version),
        "kind": article.kind,
        "audience": article.audience,
        "slug": article.slug,
    }
    if article.topic is not None:
        record["topic"] = article.topic.slug
    tags = sorted(tag.name for tag in article.tags.all())
    if tags:
        record["tags"] = tags
    if article.source_url:
        record["source_url"] = article.source_url
    if article.region is not None:
        record["region"] = article.region.code
    if article.centre is not None:
        record["centre"] = article.centre.slug
    if article.variant_of is not None:
        record["variant_of"] = article.variant_of.slug
    if article.published_version_en is not None:
        record["en"] = _text(article.published_version_en)
    return record


def export_lines(articles: Iterable[Article]) -> Iterable[str]:
    for article in articles:
        yield json.dumps(article_record(article), ensure_ascii=False, sort_keys=True)

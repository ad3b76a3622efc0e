"""Importing articles from JSON Lines: all of a file's lines or, when any is wrong, none.

The format (reading a line into an `ImportRecord`, writing an export line) is
`vik.knowledge.exchange`; this module decides what a line does to the articles and writes it
through the article services, so that an import obeys the same rules and permissions as an
edit. Exporting writes nothing: `selectors.articles_for_export` and `exchange.export_lines`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from vik.core.errors import ValidationFailed, VikError
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from ..choices import ArticleState, Audience, Language
from ..exchange import ImportRecord, LineError, parse_lines
from ..models import Article
from .articles import UNCHANGED, article_create, article_edit, article_publish, pending_drafts

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)


def _import_match(
    record: ImportRecord, region: Region | None, centre: InformationCentre | None
) -> Article | None:
    """The article a line continues: by slug, else by source address, else by title and kind
    in the same scope. This is what makes importing the same file twice change nothing."""
    if record.slug:
        found = Article.objects.filter(slug=record.slug).first()
        if found is not None:
            return found
    same_scope = Article.objects.filter(region=region, centre=centre)
    if record.source_url:
        found = same_scope.filter(source_url=record.source_url).order_by("pk").first()
        if found is not None:
            return found
    return (
        same_scope.filter(
            kind=record.kind, versions__language=Language.CZECH, versions__title=record.title
        )
        .order_by("pk")
        .first()
    )


def _import_one(
    record: ImportRecord,
    *,
    by: StaffUser | None,
    region: Region | None,
    centre: InformationCentre | None,
    audience: str,
    publish: bool,
) -> str:
    """Import one line: "created", "updated" or "unchanged"."""
    if record.centre is not None or record.region is not None:
        region, centre = record.region, record.centre
    article = _import_match(record, region, centre)
    if article is None:
        variant_of = None
        if record.variant_of:
            variant_of = Article.objects.filter(slug=record.variant_of).first()
            if variant_of is None:
                raise ValidationFailed(f"no article “{record.variant_of}” to be a variant of")
        article = article_create(
            by=by, kind=record.kind, audience=record.audience or audience, region=region,
            centre=centre, topic=record.topic, tags=record.tags or [],
            source_url=record.source_url, variant_of=variant_of, note=_("Imported."),
            slug=record.slug, **record.text(),
        )  # fmt: skip
        outcome = "created"
    else:
        changes: dict[str, Any] = {
            "audience": record.audience or UNCHANGED,
            "topic": record.topic if record.topic is not None else UNCHANGED,
            "tags": record.tags if record.tags is not None else UNCHANGED,
            "source_url": record.source_url or UNCHANGED,
        }
        if article.variant_of_id is not None:
            changes["audience"] = UNCHANGED
        before = (article.audience, article.topic_id, article.source_url, _tag_names(article))
        version = article_edit(
            article=article, by=by, note=_("Imported."), **changes, **record.text()
        )
        article.refresh_from_db()
        after = (article.audience, article.topic_id, article.source_url, _tag_names(article))
        outcome = "updated" if version is not None or before != after else "unchanged"
    if record.english is not None:
        translated = article_edit(
            article=article, by=by, language=Language.ENGLISH, note=_("Imported."),
            **record.english,
        )  # fmt: skip
        if translated is not None and outcome == "unchanged":
            outcome = "updated"
    article.refresh_from_db()
    if publish and pending_drafts(article) and article.state != ArticleState.ARCHIVED:
        article_publish(article=article, by=by, four_eyes=False)  # the operator's import
    return outcome


def _tag_names(article: Article) -> list[str]:
    return sorted(article.tags.values_list("name", flat=True))


def articles_import(
    *,
    lines: Iterable[str],
    by: StaffUser | None,
    region: Region | None = None,
    centre: InformationCentre | None = None,
    audience: str = Audience.PUBLIC,
    publish: bool = True,
) -> ImportReport:
    """Import JSON Lines (`exchange`): all of them or, when any line is wrong, none.

    Every line is checked before anything is written, and the whole import is one
    transaction: a line the services refuse (a permission, a rule) rolls back the lines before
    it too, and the report names it. `region`/`centre` are the scope of lines without their
    own; `publish` publishes what changed (else the changes stay drafts).
    """
    records, errors = parse_lines(lines)
    report = ImportReport(errors=errors)
    if errors:
        return report
    current = 0
    try:
        with transaction.atomic():
            for record in records:
                current = record.line
                outcome = _import_one(
                    record, by=by, region=region, centre=centre, audience=audience,
                    publish=publish,
                )  # fmt: skip
                setattr(report, outcome, getattr(report, outcome) + 1)
    except VikError as error:
        return ImportReport(errors=[LineError(current, str(error))])
    return report

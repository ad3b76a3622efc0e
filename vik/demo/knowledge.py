"""The demo's knowledge centre: ~100 Czech articles written and published through the services.

Region articles are written and published by the regional knowledge editor, the coordinators'
documents by the region coordinator, and the Třebíč centre's local variants are written and
submitted by its agent and published by the regional editor, as the workflow has it. Every
article has a fixed slug, so that a second run finds it and adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify

from vik.core import clock
from vik.knowledge import services
from vik.knowledge.choices import SECTION_KEYS, ArticleKind, Audience, UsageKind, UsageWhere
from vik.knowledge.models import Article, UsageEvent
from vik.tenancy.models import InformationCentre, User
from vik.territory.models import Region
from vik.topics.models import Topic

from . import knowledge_content as content

TITLES = Path(__file__).with_name("sample_life_situations_titles.csv")
TREBIC_SLUG = "vys-trebic"


@dataclass(frozen=True)
class Staff:
    editor: User
    coordinator: User
    trebic_agent: User


def _life_situation_titles() -> dict[str, str]:
    with TITLES.open(encoding="utf-8") as handle:
        return {row["id"]: row["title_cs"] for row in csv.DictReader(handle)}


def _slug(title: str) -> str:
    return slugify(title)[:100].strip("-")


def _sections(item: dict[str, Any]) -> dict[str, str]:
    return {key: item[key] for key in SECTION_KEYS if item.get(key)}


class _Writer:
    """Creates and publishes what is not there yet; counts what it made."""

    def __init__(self, region: Region, topics: dict[str, Topic], existing: set[str]) -> None:
        self.region = region
        self.topics = topics
        self.existing = existing
        self.created: dict[str, Article] = {}

    def write(self, *, slug: str, by: User, **fields: Any) -> Article | None:
        if slug in self.existing:
            return None
        topic = self.topics.get(fields.pop("topic", "") or "")
        article = services.article_create(
            by=by, slug=slug, region=self.region, topic=topic, **fields
        )
        self.existing.add(slug)
        self.created[slug] = article
        return article


def build_knowledge(*, region: Region, staff: Staff) -> int:
    """Write the demo's articles that are missing; returns how many were published."""
    # Services outside a request speak the active language; the demo's texts are Czech.
    with translation.override("cs"), transaction.atomic():
        existing = set(Article.objects.values_list("slug", flat=True))
        writer = _Writer(region, {topic.slug: topic for topic in Topic.objects.all()}, existing)
        life_situations = _write_life_situations(writer, staff.editor)
        _write_others(writer, staff)
        _relate(writer, life_situations, staff.editor)
        # The forms belong to the drafts: publishing makes them downloadable with the text.
        _attach_forms(writer, life_situations, staff.editor)
        for article in writer.created.values():
            # the demo's seed content: written and published by the editor in one go
            services.article_publish(article=article, by=staff.editor, four_eyes=False)
        trebic = InformationCentre.objects.filter(slug=TREBIC_SLUG).first()
        variants = _write_variants(life_situations, trebic, staff) if trebic else 0
    return len(writer.created) + variants


def _write_life_situations(writer: _Writer, editor: User) -> dict[str, str]:
    """The 40 life situations; returns their slugs by id."""
    slugs: dict[str, str] = {}
    for code, title in _life_situation_titles().items():
        item = content.LIFE_SITUATIONS[code]
        slugs[code] = _slug(title)
        writer.write(
            slug=slugs[code],
            by=editor,
            kind=ArticleKind.LIFE_SITUATION,
            title=title,
            summary=item["summary"],
            sections=_sections(item),
            questions=content.PHRASINGS.get(code, []),
            topic=item["topic"],
            tags=[code],
        )
    return slugs


def _write_others(writer: _Writer, staff: Staff) -> None:
    for topic, question, answer in content.FAQS:
        writer.write(
            slug=_slug(question),
            by=staff.editor,
            kind=ArticleKind.FAQ,
            title=question,
            question=question,
            body=answer,
            questions=content.TITLE_PHRASINGS.get(question, []),
            topic=topic,
        )
    for topic, title, body in content.METHODOLOGIES:
        writer.write(
            slug=_slug(title),
            by=staff.editor,
            kind=ArticleKind.METHODOLOGY,
            audience=Audience.STAFF,
            title=title,
            body=body,
            topic=topic,
        )
    for title, summary, body in content.GOVERNING_DOCUMENTS:
        writer.write(
            slug=_slug(title),
            by=staff.coordinator,
            kind=ArticleKind.GOVERNING_DOCUMENT,
            audience=Audience.COORDINATORS,
            title=title,
            summary=summary,
            body=body,
        )
    for audience, title, summary, body in content.ANNOUNCEMENTS:
        writer.write(
            slug=_slug(title),
            by=staff.editor,
            kind=ArticleKind.ANNOUNCEMENT,
            audience=audience,
            title=title,
            summary=summary,
            body=body,
            questions=content.TITLE_PHRASINGS.get(title, []),
        )


def _relate(writer: _Writer, slugs: dict[str, str], editor: User) -> None:
    """Link the new life situations to their related ones (drafts still: no new version)."""
    by_slug = {**writer.created}
    for code, slug in slugs.items():
        article = by_slug.get(slug)
        related = [slugs[other] for other in content.LIFE_SITUATIONS[code]["related"]]
        if article is None or not related:
            continue
        version = article.versions.get()
        services.article_edit(
            article=article,
            by=editor,
            title=version.title,
            summary=version.summary,
            sections=version.sections,
            related=list(Article.objects.filter(slug__in=related)),
        )


def _write_variants(slugs: dict[str, str], centre: InformationCentre, staff: Staff) -> int:
    """The Třebíč centre's variants: written and submitted by its agent, published by the
    region's editor."""
    made = 0
    for code, changes in content.TREBIC_VARIANTS.items():
        shared = Article.objects.filter(slug=slugs[code]).select_related("published_version").get()
        slug = f"{shared.slug}-trebic"
        if Article.objects.filter(slug=slug).exists() or shared.published_version is None:
            continue
        version = shared.published_version
        variant = services.article_create(
            by=staff.trebic_agent,
            kind=shared.kind,
            variant_of=shared,
            centre=centre,
            slug=slug,
            title=f"{version.title} (Třebíč)",
            summary=version.summary,
            sections={**version.sections, **changes},
            questions=version.questions,
            fee_amount=content.TREBIC_FEES.get(code),
            tags=[code, "Třebíč"],
            note="Místní úprava pro Třebíč",
        )
        services.article_submit(article=variant, by=staff.trebic_agent)
        services.article_publish(article=variant, by=staff.editor)
        made += 1
    return made


FORMS_ATTACHED = 5  # life situations whose demo article offers a form to download


def _attach_forms(writer: _Writer, slugs: dict[str, str], editor: User) -> None:
    """A form to download ("Formuláře ke stažení") for the first new life situations that
    name forms: a one-page PDF with the form's title, uploaded as an editor would."""
    attached = 0
    for code, slug in slugs.items():
        article = writer.created.get(slug)
        if article is None or not content.LIFE_SITUATIONS[code].get("forms"):
            continue
        title = f"Žádost – {article.versions.get().title}"
        services.attachment_add(
            article=article,
            by=editor,
            upload=SimpleUploadedFile(f"zadost-{slug[:60]}.pdf", _form_pdf(title)),
            title=title[:300],
        )
        attached += 1
        if attached == FORMS_ATTACHED:
            return


def _form_pdf(title: str) -> bytes:
    """A real one-page form in PDF, made with WeasyPrint as the reports are: the title (Czech
    letters and all, in an embedded font) and the fields to fill in, with lines."""
    from weasyprint import HTML  # local import: half a second to load; only the demo needs it

    fields = [
        "Jméno a příjmení",
        "Datum narození",
        "Adresa trvalého pobytu",
        "Telefon nebo e-mail",
        "Čeho se žádost týká",
        "",
        "Datum a podpis",
    ]
    rows = "".join(f'<div class="field"><span>{escape(label)}</span></div>' for label in fields)
    html = f"""<!DOCTYPE html><html lang="cs"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<style>@page {{ size: A4; margin: 2cm }} body {{ font-family: sans-serif; font-size: 11pt }}
h1 {{ font-size: 16pt; margin: 0 0 4pt }} p {{ color: #444; margin: 0 0 18pt }}
.field {{ border-bottom: 0.5pt solid #333; height: 30pt; margin-bottom: 8pt; position: relative }}
.field span {{ position: absolute; bottom: 2pt; font-size: 9pt; color: #555 }}</style></head>
<body><h1>{escape(title)}</h1><p>Vyplňte čitelně a podejte na úřadě, který je uveden v návodu.</p>
{rows}</body></html>"""
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


# Portal reads of the public guides over the last year, for the usage metrics and the most-read
# guides of /statistiky/: the first guides by title, each read a little less than the one before.
GUIDE_READS = [42, 35, 29, 24, 20, 17, 14, 11, 9, 7, 6, 4]


def build_guide_reads(*, seed: int = 17) -> int:
    """Portal reads of the first public guides; a second run adds nothing."""
    if UsageEvent.objects.filter(kind=UsageKind.ARTICLE_VIEW, where=UsageWhere.PORTAL).exists():
        return 0
    rng = random.Random(seed)
    guides = list(
        Article.objects.filter(
            audience=Audience.PUBLIC, published_version__isnull=False, variant_of__isnull=True
        ).order_by("published_version__title")[: len(GUIDE_READS)]
    )
    now = clock.now()
    events = [
        UsageEvent(
            kind=UsageKind.ARTICLE_VIEW,
            where=UsageWhere.PORTAL,
            article=article,
            topic_id=article.topic_id,
            created_at=now - dt.timedelta(minutes=rng.randrange(10, 300 * 24 * 60)),
        )
        for article, reads in zip(guides, GUIDE_READS, strict=False)
        for _ in range(reads)
    ]
    UsageEvent.objects.bulk_create(events)
    return len(events)

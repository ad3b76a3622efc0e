"""Writing articles: create, edit (a new draft version), submit, publish, archive, restore.

Every function checks its permission through `vik.tenancy.permissions`. `by=None` means VIK
itself acting for the operator (a management command such as `vik knowledge import`); views
always pass the request's user, which is never None.

The search index follows publishing: `article_publish` puts the published versions into it and
`article_archive` takes them out, in the same transaction (`search_index`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import InvalidTransition, PermissionDenied, ValidationFailed, VikError
from vik.core.tasks import enqueue_on_commit
from vik.core.text import fold
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.models import Topic

from . import events, search_index, tasks
from .choices import (
    SECTION_KEYS,
    ArticleKind,
    ArticleState,
    Audience,
    Language,
    UsageKind,
    UsageWhere,
)
from .exchange import ImportRecord, LineError, parse_lines
from .models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    ArticleVersion,
    Tag,
    UsageEvent,
)

logger = logging.getLogger(__name__)

UNCHANGED: Any = object()  # an optional argument of article_edit that was not given


def _require_author(by: Any, region_id: int | None, centre_id: int | None) -> None:
    if by is not None and not permissions.can_author_article(
        by, region_id=region_id, centre_id=centre_id
    ):
        raise PermissionDenied(_("You may not write articles of this scope."))


def _require_reviewer(by: Any, article: Article) -> None:
    if by is not None and not permissions.can_review_article(
        by, region_id=article.region_id, centre_id=article.centre_id
    ):
        raise PermissionDenied(_("You may not publish or archive articles of this scope."))


def _author(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _clean_content(
    *, title: str, summary: str, question: str, body: str, sections: dict[str, str] | None
) -> dict[str, Any]:
    title = " ".join(title.split())
    if not title:
        raise ValidationFailed(_("An article needs a title."))
    if len(title) > 300:
        raise ValidationFailed(_("The title is longer than 300 characters."))
    unknown = set(sections or {}) - set(SECTION_KEYS)
    if unknown:
        raise ValidationFailed(_("Unknown sections: %(names)s") % {"names": ", ".join(unknown)})
    return {
        "title": title,
        "summary": summary.strip(),
        "question": question.strip(),
        "body": body.strip(),
        "sections": {
            key: str(value).strip()
            for key, value in (sections or {}).items()
            if value and str(value).strip()
        },
    }


def _choice(value: str, choices: Any, what: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(_("Unknown %(what)s: %(value)s") % {"what": what, "value": value})
    return value


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100].strip("-") or "clanek"
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = {" ".join(name.split())[:64] for name in names if name and name.strip()}
    return [Tag.objects.get_or_create(name=name)[0] for name in sorted(cleaned)]


def _new_version(
    article: Article, *, content: dict[str, Any], language: str, by: Any, note: str
) -> ArticleVersion:
    """Precondition: inside a transaction that holds the article's row lock."""
    last = article.versions.aggregate(last=Max("number"))["last"] or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        language=language,
        author=_author(by),
        note=note.strip()[:500],
        created_at=clock.now(),
        **content,
    )


def _locked(article: Article) -> Article:
    """Lock the article's row for the transaction and refresh the caller's instance from it."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").get()
    article.refresh_from_db()
    return article


def pending_drafts(article: Article) -> dict[str, ArticleVersion]:
    """The draft of each language: its newest version, when that is newer than the published."""
    published: dict[str, ArticleVersion | None] = {
        Language.CZECH: article.published_version,
        Language.ENGLISH: article.published_version_en,
    }
    drafts: dict[str, ArticleVersion] = {}
    for language in Language.values:
        newest = article.versions.filter(language=language).order_by("-number").first()
        current = published[language]
        if newest is not None and (current is None or newest.number > current.number):
            drafts[language] = newest
    return drafts


@transaction.atomic
def article_create(
    *,
    by: Any,
    kind: str,
    title: str,
    body: str = "",
    summary: str = "",
    question: str = "",
    sections: dict[str, str] | None = None,
    language: str = Language.CZECH,
    audience: str = Audience.PUBLIC,
    region: Region | None = None,
    centre: InformationCentre | None = None,
    topic: Topic | None = None,
    tags: Iterable[str] = (),
    source_url: str = "",
    variant_of: Article | None = None,
    note: str = "",
    review_by: dt.date | None = None,
    slug: str = "",
) -> Article:
    """A new article with its first version, a draft. A local variant (`variant_of` and
    `centre`) takes its kind, audience and topic from the shared article."""
    if variant_of is not None:
        if centre is None:
            raise ValidationFailed(_("A local variant belongs to a centre."))
        if variant_of.variant_of_id is not None or variant_of.centre_id is not None:
            raise ValidationFailed(_("Only an article of a region or every region has variants."))
        if variant_of.region_id not in (None, centre.region_id):
            raise ValidationFailed(_("The centre is outside the article's region."))
        if Article.objects.filter(variant_of=variant_of, centre=centre).exists():
            raise ValidationFailed(_("This centre already has a variant of the article."))
        kind, audience, topic = variant_of.kind, variant_of.audience, variant_of.topic
    if centre is not None:
        region = centre.region
    _require_author(by, region.pk if region else None, centre.pk if centre else None)
    content = _clean_content(
        title=title, summary=summary, question=question, body=body, sections=sections
    )
    article = Article.objects.create(
        kind=_choice(kind, ArticleKind, "kind"),
        audience=_choice(audience, Audience, "audience"),
        region=region,
        centre=centre,
        topic=topic,
        variant_of=variant_of,
        slug=_unique_slug(
            slug
            or (f"{variant_of.slug}-{centre.slug}" if variant_of and centre else content["title"])
        ),
        source_url=source_url.strip(),
        review_by=review_by,
    )
    article.tags.set(_tags(tags))
    if _author(by) is not None:
        article.owners.add(by)
    _new_version(
        article,
        content=content,
        language=_choice(language, Language, "language"),
        by=by,
        note=note or _("Created."),
    )
    return article


@transaction.atomic
def article_edit(
    *,
    article: Article,
    by: Any,
    title: str,
    body: str = "",
    summary: str = "",
    question: str = "",
    sections: dict[str, str] | None = None,
    language: str = Language.CZECH,
    note: str = "",
    audience: Any = UNCHANGED,
    topic: Any = UNCHANGED,
    tags: Any = UNCHANGED,
    source_url: Any = UNCHANGED,
    review_by: Any = UNCHANGED,
    related: Any = UNCHANGED,
) -> ArticleVersion | None:
    """Save a new draft version of the article's text in `language`, and the details given.

    Returns the new version, or None when the text is the same as the newest version of the
    language (the details are still saved). Readers keep seeing the published version until
    the draft is published. Who may only write may not change the audience of a live article:
    that would publish it to other readers.
    """
    article = _locked(article)
    _require_author(by, article.region_id, article.centre_id)
    content = _clean_content(
        title=title, summary=summary, question=question, body=body, sections=sections
    )
    language = _choice(language, Language, "language")
    fields: list[str] = []
    if audience is not UNCHANGED and audience != article.audience:
        if article.variant_of_id is not None:
            raise ValidationFailed(_("A local variant has the audience of the shared article."))
        if article.is_live:
            _require_reviewer(by, article)
        article.audience = _choice(audience, Audience, "audience")
        fields.append("audience")
    if topic is not UNCHANGED and article.variant_of_id is None:
        article.topic = topic
        fields.append("topic")
    if source_url is not UNCHANGED:
        article.source_url = str(source_url).strip()
        fields.append("source_url")
    if review_by is not UNCHANGED and review_by != article.review_by:
        article.review_by = review_by
        article.review_reminded_at = None  # a new review period: its own reminder
        fields.extend(["review_by", "review_reminded_at"])
    if tags is not UNCHANGED:
        article.tags.set(_tags(tags))
    if related is not UNCHANGED:
        article.related.set([other for other in related if other.pk != article.pk])
    newest = article.versions.filter(language=language).order_by("-number").first()
    version = None
    if newest is None or newest.content() != content:
        version = _new_version(article, content=content, language=language, by=by, note=note)
        article.state = ArticleState.DRAFT
        fields.append("state")
    if fields:
        article.save(update_fields=[*fields, "updated_at"])
    if _author(by) is not None:
        article.owners.add(by)
    return version


@transaction.atomic
def article_submit(*, article: Article, by: Any) -> Article:
    """Ask the reviewers to publish the draft."""
    article = _locked(article)
    _require_author(by, article.region_id, article.centre_id)
    if article.state != ArticleState.DRAFT or not pending_drafts(article):
        raise InvalidTransition(_("Only a draft can be submitted for review."))
    article.state = ArticleState.IN_REVIEW
    article.save(update_fields=["state", "updated_at"])
    events.submitted(article=article, by=by)
    return article


def _default_review_by() -> dt.date:
    return clock.today() + dt.timedelta(days=settings.VIK_KNOWLEDGE_REVIEW_DAYS)


@transaction.atomic
def article_publish(*, article: Article, by: Any) -> Article:
    """Readers see the drafts from now on (each language's), and search finds them.

    A reviewer may publish a draft directly or one in review. The review date moves a review
    period ahead unless a later one was set.
    """
    article = _locked(article)
    _require_reviewer(by, article)
    if article.state not in {ArticleState.DRAFT, ArticleState.IN_REVIEW}:
        raise InvalidTransition(_("There is no draft to publish."))
    drafts = pending_drafts(article)
    if not drafts:
        raise InvalidTransition(_("There is no draft to publish."))
    if Language.CZECH in drafts:
        article.published_version = drafts[Language.CZECH]
    if Language.ENGLISH in drafts:
        article.published_version_en = drafts[Language.ENGLISH]
    if article.published_version is None:
        raise ValidationFailed(_("An article is published in Czech first."))
    today = clock.today()
    if article.review_by is None or article.review_by <= today:
        article.review_by = _default_review_by()
        article.review_reminded_at = None  # a new review period: its own reminder
    article.state = ArticleState.PUBLISHED
    article.published_at = clock.now()
    article.save(
        update_fields=[
            "published_version", "published_version_en", "state", "published_at", "review_by",
            "review_reminded_at", "updated_at",
        ]
    )  # fmt: skip
    for version in drafts.values():
        entry = search_index.index_put(article=article, version=version)
        enqueue_on_commit(tasks.embed_entry_task, entry.pk, version.pk)
    events.published(article=article, versions=list(drafts.values()), by=by)
    return article


@transaction.atomic
def article_archive(*, article: Article, by: Any, note: str = "") -> Article:
    """Readers no longer see the article, nor does search; its versions stay."""
    article = _locked(article)
    _require_reviewer(by, article)
    if article.state == ArticleState.ARCHIVED:
        raise InvalidTransition(_("The article is archived already."))
    was_live = article.published_version_id
    article.state = ArticleState.ARCHIVED
    article.published_version = article.published_version_en = None
    article.save(update_fields=["state", "published_version", "published_version_en", "updated_at"])
    search_index.index_remove(article=article)
    events.archived(article=article, by=by, note=note, version_id=was_live)
    return article


@transaction.atomic
def article_restore(*, article: Article, version: ArticleVersion, by: Any) -> ArticleVersion:
    """A new draft with the text of an old version; publishing it makes the old text live."""
    article = _locked(article)
    _require_author(by, article.region_id, article.centre_id)
    if version.article_id != article.pk:
        raise ValidationFailed(_("The version belongs to another article."))
    restored = _new_version(
        article,
        content=version.content(),
        language=version.language,
        by=by,
        note=_("Restored from version %(number)d.") % {"number": version.number},
    )
    article.state = ArticleState.DRAFT
    article.save(update_fields=["state", "updated_at"])
    events.restored(article=article, version=version, restored=restored, by=by)
    return restored


def feedback_record(
    *,
    article: Article,
    is_helpful: bool,
    comment: str = "",
    query: str = "",
    language: str = "cs",
) -> ArticleFeedback:
    """A reader's "Was this helpful?" answer; the comment is kept as plain text."""
    return ArticleFeedback.objects.create(
        article=article,
        version=article.published_version,
        is_helpful=is_helpful,
        comment=comment.strip()[:2000],
        query=" ".join(query.split())[:300],
        language=language[:8],
        created_at=clock.now(),
    )


# Usage metrics -----------------------------------------------------------------------------
#
# Counts only: no IP address, no user. Recording never breaks the page or the service that
# calls it: a failure is logged and swallowed, inside a savepoint so that the caller's
# transaction goes on.

USAGE_QUERY_LENGTH = 200


def usage_record(
    *,
    kind: str,
    where: str,
    article: Article | None = None,
    query: str = "",
    centre_id: int | None = None,
) -> UsageEvent | None:
    """One usage event (the article's topic is its topic); None when it could not be written."""
    try:
        with transaction.atomic():
            return UsageEvent.objects.create(
                kind=_choice(kind, UsageKind, "usage kind"),
                where=_choice(where, UsageWhere, "usage place"),
                article=article,
                query=" ".join(fold(query).split())[:USAGE_QUERY_LENGTH],
                centre_id=centre_id,
                topic_id=article.topic_id if article is not None else None,
                created_at=clock.now(),
            )
    except Exception:
        logger.exception("knowledge usage event %s not recorded", kind)
        return None


def search_usage_record(
    *, query: str, hits: Sequence[Any], where: str, centre_id: int | None = None
) -> UsageEvent | None:
    """A search: `search` when it found something, `search_empty` when not (one event each)."""
    if not query.strip():
        return None
    kind = UsageKind.SEARCH if hits else UsageKind.SEARCH_EMPTY
    return usage_record(kind=kind, where=where, query=query, centre_id=centre_id)


def _article_url_pattern() -> re.Pattern[str]:
    placeholder = "slug-placeholder"
    path = reverse("portal:knowledge_article", kwargs={"slug": placeholder})
    before, _slug, after = path.partition(placeholder)
    return re.compile(re.escape(before) + r"([-a-zA-Z0-9_]+)" + re.escape(after))


REPLY_ARTICLES_MAX = 50


def _is_small_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


def reply_usage_record(
    *, text: str, centre_id: int | None, articles: Iterable[int | str] = ()
) -> list[UsageEvent]:
    """`used_in_reply` once for each live public article used in a public reply: its portal
    address (with any host, or none) is in the text, or the agent inserted its link or text
    from the request page's suggestions (`articles`, ids from the reply form; anything else in
    that list is ignored)."""
    try:
        slugs = set(_article_url_pattern().findall(text))
        # From a form: only what can be an id (a too large number would break the query and,
        # on PostgreSQL, the reply's transaction), and not more than a reply can hold.
        inserted = {
            int(pk) for pk in list(articles)[:REPLY_ARTICLES_MAX] if _is_small_id(str(pk).strip())
        }
        if not slugs and not inserted:
            return []
        used = Q(slug__in=sorted(slugs)) | Q(pk__in=sorted(inserted))
        found = Article.objects.filter(
            used, audience=Audience.PUBLIC, published_version__isnull=False
        ).order_by("pk")
        recorded = [
            usage_record(
                kind=UsageKind.USED_IN_REPLY,
                where=UsageWhere.STAFF,
                article=article,
                centre_id=centre_id,
            )
            for article in found
        ]
    except Exception:
        logger.exception("knowledge use in a reply not recorded")
        return []
    return [event for event in recorded if event is not None]


# Import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)


def _import_match(record: ImportRecord, region: Region | None, centre: Any) -> Article | None:
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
    by: Any,
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
        article_publish(article=article, by=by)
    return outcome


def _tag_names(article: Article) -> list[str]:
    return sorted(article.tags.values_list("name", flat=True))


def articles_import(
    *,
    lines: Iterable[str],
    by: Any,
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


# Attachments -------------------------------------------------------------------------------
#
# Forms to download. The type is decided by the file name's extension and confirmed by the
# file's first bytes, never by what the browser says; downloads are always attachments
# (`views`), so that not even an image is shown inline in our origin.

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Office formats (.doc, .xls)
_ZIP = b"PK\x03\x04"  # the Office Open XML and OpenDocument formats
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (_OLE,)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}


def _safe_filename(name: str) -> str:
    """The last part of what the browser sent, without control characters, at most 255."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 254 - len(extension)]}{dot}{extension}" if dot else name[:255]
    return name


def _attachment_type(filename: str, head: bytes) -> str:
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationFailed(
            _("Only PDF, Word, Excel, OpenDocument files and images can be attached.")
        )
    content_type, signatures = ATTACHMENT_TYPES[extension]
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationFailed(
            _("The file is not what its name says (%(extension)s).") % {"extension": extension}
        )
    return content_type


@transaction.atomic
def attachment_add(*, article: Article, by: Any, upload: Any, title: str = "") -> ArticleAttachment:
    """Attach a file (a Django UploadedFile) to the article. Readers of the live article can
    download it at once: attachments are not versioned and go through no review."""
    from django.core.files.base import ContentFile

    article = _locked(article)
    _require_author(by, article.region_id, article.centre_id)
    filename = _safe_filename(getattr(upload, "name", "") or "")
    if not filename:
        raise ValidationFailed(_("The file has no name."))
    limit = settings.VIK_KNOWLEDGE_ATTACHMENT_MAX_BYTES
    too_large = ValidationFailed(
        _("The file is larger than %(megabytes)s MB.") % {"megabytes": f"{limit / 1024 / 1024:g}"}
    )
    if (upload.size or 0) > limit:
        raise too_large
    digest = hashlib.sha256()
    content = bytearray()
    for chunk in upload.chunks():  # what arrived, whatever the upload says its size is
        content += chunk
        if len(content) > limit:
            raise too_large
        digest.update(chunk)
    if not content:
        raise ValidationFailed(_("The file is empty."))
    size, head = len(content), bytes(content[:16])
    content_type = _attachment_type(filename, head)
    attachment = ArticleAttachment(
        article=article,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        title=" ".join(title.split())[:300],
        uploaded_by=_author(by),
        uploaded_at=clock.now(),
    )
    attachment.file.save(filename, ContentFile(bytes(content)), save=False)
    try:
        attachment.save()
        events.attachment_added(article=article, attachment=attachment, by=by)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)  # no file without its row
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: ArticleAttachment, by: Any) -> None:
    """Remove an attachment; its file goes after the commit."""
    article = _locked(attachment.article)
    _require_author(by, article.region_id, article.centre_id)
    storage, name = attachment.file.storage, attachment.file.name
    events.attachment_deleted(article=article, attachment=attachment, by=by)
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# Review reminders --------------------------------------------------------------------------

REVIEW_REMINDERS_BATCH = 100  # per run of the job; the next run (15 s later) takes the rest


def review_reminders_send() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`, every 15 s in every worker): remind the owners of
    each live article whose review date is `VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS` days away or
    less (or has passed), once per review period, by a workspace notification and an e-mail.

    Cheap when there is nothing to do (one query on a partial index); a worker claims each
    article with a conditional UPDATE, so two workers never remind the same owners twice.
    Returns how many articles it reminded of.
    """
    horizon = clock.today() + dt.timedelta(days=settings.VIK_KNOWLEDGE_REVIEW_REMINDER_DAYS)
    due = list(
        Article.objects.filter(
            review_reminded_at__isnull=True,
            published_version__isnull=False,
            review_by__lte=horizon,
        )
        .order_by("review_by", "pk")
        .values_list("pk", "review_by")[:REVIEW_REMINDERS_BATCH]
    )
    with translation.override(settings.LANGUAGE_CODE):
        return sum(1 for pk, review_by in due if review_by and _review_remind(pk, review_by))


@transaction.atomic
def _review_remind(pk: int, review_by: dt.date) -> bool:
    """Claim the article's reminder (the review date still the one seen) and send it."""
    from vik.workspace.choices import NotificationKind
    from vik.workspace.selectors import notification_preference
    from vik.workspace.services import notification_send

    claimed = Article.objects.filter(
        pk=pk, review_by=review_by, review_reminded_at__isnull=True, published_version__isnull=False
    ).update(review_reminded_at=clock.now())
    if not claimed:
        return False
    article = Article.objects.select_related("published_version").get(pk=pk)
    owners = list(article.owners.filter(is_active=True).order_by("pk"))
    title = article.published_version.title if article.published_version else article.slug
    date = f"{review_by.day}. {review_by.month}. {review_by.year}"  # the Czech way
    text = _("Review the article “%(title)s” by %(date)s.") % {"title": title, "date": date}
    kind = NotificationKind.KNOWLEDGE_REVIEW
    for owner in owners:
        notification_send(user=owner, kind=kind, text=text)
    events.review_reminded(article=article, owners=owners)
    # A reminder is e-mailed whatever the owner chose for workspace notifications, but once:
    # not by us to whom the workspace e-mails this kind of notification anyway.
    addresses = sorted(
        {
            owner.email
            for owner in owners
            if owner.email and not notification_preference(user=owner, kind=kind)[1]
        }
    )
    if addresses:
        url = settings.SITE_URL + reverse("staff:knowledge_detail", kwargs={"pk": pk})
        subject = _("VIK: review the article “%(title)s”") % {"title": title}
        body = _(
            "The article “%(title)s”, of which you are an owner, is due for review by %(date)s."
            "\n\nRead it, correct what has changed, and publish it again (or archive it):"
            "\n%(url)s\n\nYou receive this once per review period."
        ) % {"title": title, "date": date, "url": url}
        transaction.on_commit(lambda: _review_mail(subject, body, addresses, pk))
    else:
        logger.info("article %s is due for review and has no owner with an address", pk)
    return True


def _review_mail(subject: str, body: str, addresses: list[str], pk: int) -> None:
    """After the commit: one e-mail to the owners. A failure is logged; the workspace
    notification stays (the reminder is not sent again: once per period, at most)."""
    from django.core.mail import send_mail

    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=addresses)
    except Exception:
        logger.exception("review reminder of article %s not e-mailed", pk)


# Usage events retention ------------------------------------------------------------------

USAGE_PRUNE_BATCH = 5000


def usage_prune(*, older_than_days: int | None = None, batch: int = USAGE_PRUNE_BATCH) -> int:
    """Delete the usage events older than `older_than_days` (default
    `VIK_KNOWLEDGE_USAGE_RETENTION_DAYS`), in batches; returns how many."""
    days = (
        settings.VIK_KNOWLEDGE_USAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    )
    if days < 0:
        raise ValidationFailed(_("The age must not be negative."))
    cutoff = clock.now() - dt.timedelta(days=days)
    deleted = 0
    while True:
        chunk = _usage_prune_batch(cutoff, batch)
        deleted += chunk
        if chunk < batch:
            return deleted


def usage_prune_due() -> int:
    """A periodic job (`VIK_PERIODIC_JOBS`): one batch of usage events past the retention
    period. Nothing to do costs one probe of the index on `created_at`."""
    cutoff = clock.now() - dt.timedelta(days=settings.VIK_KNOWLEDGE_USAGE_RETENTION_DAYS)
    return _usage_prune_batch(cutoff, USAGE_PRUNE_BATCH)


def _usage_prune_batch(cutoff: dt.datetime, batch: int) -> int:
    ids = list(
        UsageEvent.objects.filter(created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    deleted, _by_model = UsageEvent.objects.filter(pk__in=ids).delete()
    return deleted

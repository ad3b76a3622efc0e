"""Writing articles: create, edit (a new draft version), submit, publish, archive, restore.

Every function checks its permission through `vik.tenancy.permissions` (`guards`). `by=None`
means VIK itself acting for the operator (a management command such as `vik knowledge import`);
views always pass the request's user, which is never None.

The search index follows publishing: `article_publish` puts the published versions into it and
`article_archive` takes them out, in the same transaction (`search_index`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vik.core import clock
from vik.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vik.core.tasks import enqueue_on_commit
from vik.core.text import fold
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.models import Topic

from .. import events, search_index, tasks
from ..choices import SECTION_KEYS, ArticleKind, ArticleState, Audience, Language
from ..models import Article, ArticleAttachment, ArticleVersion, Tag
from .guards import article_locked, known_choice, recorded_author, require_author, require_reviewer

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

UNCHANGED: Any = object()  # an optional argument of article_edit that was not given


PHRASINGS_MAX = 30  # "how people ask" of one version
PHRASING_LENGTH = 300


def clean_phrasings(phrasings: Iterable[str] | None) -> list[str]:
    """One phrasing per item, whitespace collapsed, without empty ones and repeats (compared
    without case and diacritics), in the editor's order."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for phrasing in phrasings or ():
        text = " ".join(str(phrasing).split())
        key = fold(text)
        if not text or key in seen:
            continue
        if len(text) > PHRASING_LENGTH:
            raise ValidationFailed(
                _("A phrasing is longer than %(limit)d characters.") % {"limit": PHRASING_LENGTH}
            )
        seen.add(key)
        cleaned.append(text)
    if len(cleaned) > PHRASINGS_MAX:
        raise ValidationFailed(
            _("An article has at most %(limit)d phrasings.") % {"limit": PHRASINGS_MAX}
        )
    return cleaned


def _clean_content(
    *,
    title: str,
    summary: str,
    question: str,
    body: str,
    sections: dict[str, str] | None,
    questions: Iterable[str] | None = None,
    fee_amount: int | None = None,
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
        "questions": clean_phrasings(questions),
        "fee_amount": fee_amount,
    }


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


def new_version(
    article: Article, *, content: dict[str, Any], language: str, by: StaffUser | None, note: str
) -> ArticleVersion:
    """Precondition: inside a transaction that holds the article's row lock."""
    last = article.versions.aggregate(last=Max("number"))["last"] or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        language=language,
        author=recorded_author(by),
        note=note.strip()[:500],
        created_at=clock.now(),
        **content,
    )


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
    by: StaffUser | None,
    kind: str,
    title: str,
    body: str = "",
    summary: str = "",
    question: str = "",
    sections: dict[str, str] | None = None,
    questions: Iterable[str] = (),
    fee_amount: int | None = None,
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
    require_author(by, region.pk if region else None, centre.pk if centre else None)
    content = _clean_content(
        title=title, summary=summary, question=question, body=body, sections=sections,
        questions=questions, fee_amount=fee_amount,
    )  # fmt: skip
    article = Article.objects.create(
        kind=known_choice(kind, ArticleKind, "kind"),
        audience=known_choice(audience, Audience, "audience"),
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
    author = recorded_author(by)
    if author is not None:
        article.owners.add(author)
    new_version(
        article,
        content=content,
        language=known_choice(language, Language, "language"),
        by=by,
        note=note or _("Created."),
    )
    return article


@transaction.atomic
def article_edit(
    *,
    article: Article,
    by: StaffUser | None,
    title: str,
    body: str = "",
    summary: str = "",
    question: str = "",
    sections: dict[str, str] | None = None,
    questions: Any = UNCHANGED,
    fee_amount: int | None = None,
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
    language (the details are still saved). `questions` (how people ask) not given: those of
    the newest version of the language. Readers keep seeing the published version until
    the draft is published. Who may only write may not change the audience of a live article:
    that would publish it to other readers.
    """
    article = article_locked(article)
    require_author(by, article.region_id, article.centre_id)
    language = known_choice(language, Language, "language")
    newest = article.versions.filter(language=language).order_by("-number").first()
    if questions is UNCHANGED:  # the phrasings stay those of the newest version
        questions = newest.questions if newest is not None else ()
    content = _clean_content(
        title=title, summary=summary, question=question, body=body, sections=sections,
        questions=questions, fee_amount=fee_amount,
    )  # fmt: skip
    fields: list[str] = []
    if audience is not UNCHANGED and audience != article.audience:
        if article.variant_of_id is not None:
            raise ValidationFailed(_("A local variant has the audience of the shared article."))
        if article.is_live:
            require_reviewer(by, article)
        article.audience = known_choice(audience, Audience, "audience")
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
    version = None
    if newest is None or newest.content() != content:
        version = new_version(article, content=content, language=language, by=by, note=note)
        article.state = ArticleState.DRAFT
        fields.append("state")
    if fields:
        article.save(update_fields=[*fields, "updated_at"])
    author = recorded_author(by)
    if author is not None:
        article.owners.add(author)
    return version


@transaction.atomic
def article_submit(*, article: Article, by: StaffUser | None) -> Article:
    """Ask the reviewers to publish the draft."""
    article = article_locked(article)
    require_author(by, article.region_id, article.centre_id)
    if article.state != ArticleState.DRAFT or not pending_drafts(article):
        raise InvalidTransition(_("Only a draft can be submitted for review."))
    article.state = ArticleState.IN_REVIEW
    article.save(update_fields=["state", "updated_at"])
    events.submitted(article=article, by=by)
    return article


@transaction.atomic
def article_return(*, article: Article, by: StaffUser, comment: str) -> Article:
    """A reviewer sends the draft in review back to its author with comments (required); the
    article is a draft again, the comments shown on its page until it is published."""
    article = article_locked(article)
    require_reviewer(by, article)
    if article.state != ArticleState.IN_REVIEW:
        raise InvalidTransition(_("Only an article in review can be returned."))
    comment = comment.strip()
    if not comment:
        raise ValidationFailed(_("Write what the author should change."))
    article.state = ArticleState.DRAFT
    article.returned_comment, article.returned_by = comment, recorded_author(by)
    article.returned_at = clock.now()
    article.save(
        update_fields=["state", "returned_comment", "returned_by", "returned_at", "updated_at"]
    )
    events.returned(article=article, by=by, comment=comment)
    return article


def _default_review_by() -> dt.date:
    return clock.today() + dt.timedelta(days=settings.VIK_KNOWLEDGE_REVIEW_DAYS)


def attachment_remove(attachment: ArticleAttachment) -> None:
    """The row now, its file after the commit."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachments_publish(*, article: Article) -> tuple[list[str], list[str]]:
    """The draft's files become what readers download: new ones public, removed ones gone.
    Called by `article_publish`, which checks the reviewer, in its transaction. Returns the
    names added and removed."""
    added = list(
        article.attachments.filter(published_at__isnull=True, remove_on_publish=False)
        .order_by("pk")
        .values_list("filename", flat=True)
    )
    article.attachments.filter(published_at__isnull=True).update(published_at=clock.now())
    removed = []
    for attachment in article.attachments.filter(remove_on_publish=True).order_by("pk"):
        removed.append(attachment.filename)
        attachment_remove(attachment)
    return added, removed


def own_draft_publish_refused(article: Article, by: StaffUser | None) -> bool:
    """Four eyes (`VIK_KNOWLEDGE_FOUR_EYES`): whether `by` wrote a draft waiting to be
    published, and so may not publish it; somebody else reviews it."""
    if not settings.VIK_KNOWLEDGE_FOUR_EYES or by is None or not by.is_authenticated:
        return False
    return any(draft.author_id == by.pk for draft in pending_drafts(article).values())


@transaction.atomic
def article_publish(*, article: Article, by: StaffUser | None, four_eyes: bool = True) -> Article:
    """Readers see the drafts from now on (each language's), and search finds them; the
    draft's files become what readers download (`attachments_publish`).

    A reviewer may publish a draft directly or one in review — not one they wrote while
    `VIK_KNOWLEDGE_FOUR_EYES` is on (`four_eyes=False`: an import or the demo's seed content,
    which the operator vouches for). The review date moves a review period ahead unless a
    later one was set.
    """
    article = article_locked(article)
    require_reviewer(by, article)
    if article.state not in {ArticleState.DRAFT, ArticleState.IN_REVIEW}:
        raise InvalidTransition(_("There is no draft to publish."))
    drafts = pending_drafts(article)
    if not drafts:
        raise InvalidTransition(_("There is no draft to publish."))
    if four_eyes and own_draft_publish_refused(article, by):
        raise PermissionDenied(_("Four eyes: another reviewer publishes the draft you wrote."))
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
    article.returned_comment, article.returned_by, article.returned_at = "", None, None
    article.save(
        update_fields=[
            "published_version", "published_version_en", "state", "published_at", "review_by",
            "review_reminded_at", "returned_comment", "returned_by", "returned_at", "updated_at",
        ]
    )  # fmt: skip
    for version in drafts.values():
        entry = search_index.index_put(article=article, version=version)
        enqueue_on_commit(tasks.embed_entry_task, entry.pk, version.pk)
    added, removed = attachments_publish(article=article)
    events.published(
        article=article, versions=list(drafts.values()), by=by, files_added=added,
        files_removed=removed,
    )  # fmt: skip
    return article


@transaction.atomic
def article_archive(*, article: Article, by: StaffUser | None, note: str = "") -> Article:
    """Readers no longer see the article, nor does search; its versions stay."""
    article = article_locked(article)
    require_reviewer(by, article)
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
def article_restore(
    *, article: Article, version: ArticleVersion, by: StaffUser | None
) -> ArticleVersion:
    """A new draft with the text of an old version; publishing it makes the old text live."""
    article = article_locked(article)
    require_author(by, article.region_id, article.centre_id)
    if version.article_id != article.pk:
        raise ValidationFailed(_("The version belongs to another article."))
    restored = new_version(
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

"""The shared knowledge centre: articles, their immutable versions, the search index, feedback.

An article is the stable identity (kind, audience, scope, topic, workflow state); what it says
lives in its versions. Every change is a new version; the article points at the version readers
see (`published_version`, and `published_version_en` for the English translation). A draft is a
version newer than the published one of its language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vik.core.models import TimeStampedModel
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.models import Topic

from .choices import ArticleKind, ArticleState, Audience, Language, UsageKind, UsageWhere


class ImmutableError(RuntimeError):
    pass


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(TimeStampedModel):
    """Scope: every region of the installation (no region, no centre), one region (region), or
    one centre (region and centre). A centre's local variant of a shared article has `variant_of`
    and is shown instead of it for the centre's territory."""

    kind = models.CharField(_("kind"), max_length=32, choices=ArticleKind.choices)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related articles"))
    variant_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="variants"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="knowledge_articles"
    )
    slug = models.SlugField(max_length=120, unique=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    published_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_version_en = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # When the owners were reminded of `review_by`: once per review period, cleared when
    # `review_by` changes (`services.review_reminders_send`).
    review_reminded_at = models.DateTimeField(
        _("review reminder sent"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(centre__isnull=True) | Q(region__isnull=False),
                name="article_centre_within_region",
            ),
            models.CheckConstraint(
                condition=Q(variant_of__isnull=True) | Q(centre__isnull=False),
                name="article_variant_has_centre",
            ),
            models.UniqueConstraint(
                fields=["variant_of", "centre"],
                condition=Q(variant_of__isnull=False),
                name="article_one_variant_per_centre",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "review_by"], name="article_review"),
            models.Index(fields=["topic", "kind"], name="article_topic_kind"),
            # The reminder job's question every 15 s: which live articles are not reminded yet.
            models.Index(
                fields=["review_by"],
                condition=Q(review_reminded_at__isnull=True, published_version__isnull=False),
                name="article_review_unreminded",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.centre is not None:
            self.region_id = self.centre.region_id
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        """Readers see it: it has a published version and is not archived."""
        return self.published_version_id is not None

    @property
    def scope_label(self) -> str:
        if self.centre_id is not None:
            return str(self.centre)
        if self.region_id is not None:
            return str(self.region)
        return str(_("every region"))


class ArticleVersion(models.Model):
    """One immutable state of an article's text in one language."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.CZECH
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    question = models.TextField(_("question"), blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    # Life situations: {section key: Markdown}, keys from choices.LIFE_SITUATION_SECTIONS.
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    # The fee in whole crowns where the centre set one (a life situation's "Fees" section shows
    # it above the section's text); empty: the text says it.
    fee_amount = models.PositiveIntegerField(_("fee (CZK)"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("Article versions are never changed; make a new one.")
        super().save(*args, **kwargs)

    def content(self) -> dict[str, Any]:
        """What the version says, for comparing two versions and for exports."""
        return {
            "title": self.title,
            "summary": self.summary,
            "question": self.question,
            "body": self.body,
            "sections": {key: value for key, value in self.sections.items() if value},
            "fee_amount": self.fee_amount,
        }


class ArticleAttachment(models.Model):
    """A file that belongs to an article, typically a form to fill in ("Formuláře ke stažení").
    Readers of the article download it; it is always served as a download, never inline.

    Files go through review like the text: a new file is part of the article's draft
    (`published_at` empty) until a reviewer publishes the article, and a deleted file of a live
    article stays public (`remove_on_publish`) until then (`services.attachments`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="knowledge/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    # When readers got the file: empty while it waits in the draft for a reviewer.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Deleted in the draft: readers keep the file until the draft is published.
    remove_on_publish = models.BooleanField(_("removed in the draft"), default=False)

    class Meta:
        ordering = ["article", "title", "filename", "id"]
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def label(self) -> str:
        return self.title or self.filename

    @property
    def is_public(self) -> bool:
        """Readers of the live article download it (a deletion in the draft aside)."""
        return self.published_at is not None

    @property
    def extension(self) -> str:
        """What kind of file it is, for readers: "PDF", "DOCX"."""
        return self.filename.rpartition(".")[2].upper() if "." in self.filename else ""


class SearchEntry(models.Model):
    """The searchable text of a live article in one language: one row per published version
    readers see. Written by `search_index.index_put` when an article is published and removed
    when it is archived; never by a signal.

    The documents hold lemmatised, folded terms (`analysis.document_terms`). PostgreSQL adds a
    generated `search_vector` column with a GIN index over them, SQLite an FTS5 table
    (migration 0002); both are invisible to the ORM and read by `search_index`.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="search_entries")
    language = models.CharField(max_length=2, choices=Language.choices)
    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="+")
    document_title = models.TextField()
    document_body = models.TextField()
    # The text a reader sees, without Markdown: snippets are cut from it.
    plain_text = models.TextField()
    # The passage embedding (`embeddings`): 384 float32, little-endian, of `embedding_model`;
    # empty until the task computes it after the commit that published the text.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=100, blank=True, editable=False)
    # Every change moves it; its index makes "has anything changed?" cheap (`VectorCache`).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="search_entry_unique")
        ]
        indexes = [models.Index(fields=["updated_at"], name="search_entry_updated")]

    def __str__(self) -> str:
        return f"{self.article_id} ({self.language})"


class ArticleFeedback(models.Model):
    """A reader's answer to "Was this helpful?"."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(
        ArticleVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    # What the reader searched for before opening the article: a content gap when not helpful.
    query = models.CharField(_("search text"), max_length=300, blank=True)
    language = models.CharField(max_length=8, default="cs")
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.is_helpful else '-'}"


class UsageEvent(models.Model):
    """One use of the knowledge centre, for the usage metrics: counts only, no personal data
    (no IP address, no user, not even a member of staff's). Written by `usage.usage_record`,
    called explicitly by the views and services where the use happens (docs/knowledge.md)."""

    kind = models.CharField(_("kind"), max_length=16, choices=UsageKind.choices)
    where = models.CharField(_("where"), max_length=16, choices=UsageWhere.choices)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Searches: the query folded (lower case, no diacritics), spaces collapsed, truncated.
    query = models.CharField(_("search text"), max_length=200, blank=True)
    centre = models.ForeignKey(
        InformationCentre, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")
        indexes = [models.Index(fields=["kind", "created_at"], name="usage_kind_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id or ''}".strip()

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
    # A reviewer returned the draft to its author with comments (`services.article_return`);
    # shown to the author until the article is published.
    returned_comment = models.TextField(_("reviewer's comments"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

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
    # "Jak se lidé ptají": other ways people ask for this article, one string each. Versioned
    # with the text (they go through review like it), searched with the title and embedded
    # one by one, so that the article matches by its best phrasing.
    questions = models.JSONField(_("how people ask"), default=list, blank=True)
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
            "questions": list(self.questions or []),
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
    # The query embeddings of the version's phrasings ("how people ask"), concatenated: n x 384
    # float32, written with `embedding`; the article matches by the best of all its vectors.
    phrasing_embeddings = models.BinaryField(null=True, blank=True, editable=False)
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


class QueryAssociation(models.Model):
    """Learning from use: searches for `query_norm` led to `article` and helped (a click from
    the results, "Was this helpful: yes", the article inserted into a reply). `weight` is the
    value at `updated_at`; it halves every `VIK_KNOWLEDGE_LEARNING_HALF_LIFE_DAYS`
    (`learning`). Editors see the strongest as suggested phrasings and accept or dismiss them."""

    class Decision(models.TextChoices):
        OPEN = "", _("open")
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")

    query_norm = models.CharField(max_length=200)
    # The words as last typed (whitespace collapsed): what a suggested phrasing shows.
    query_text = models.CharField(max_length=200)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(default=0.0)
    updated_at = models.DateTimeField()
    decision = models.CharField(max_length=16, blank=True, choices=Decision.choices)

    class Meta:
        verbose_name = _("query association")
        verbose_name_plural = _("query associations")
        constraints = [
            models.UniqueConstraint(
                fields=["query_norm", "article"], name="query_association_unique"
            )
        ]
        indexes = [
            models.Index(fields=["article", "-weight"], name="query_association_article"),
            # The pruning of the associations decay has made negligible (`learning_prune_due`).
            models.Index(fields=["updated_at"], name="query_association_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.query_norm} → {self.article_id}"


class LearningEvent(models.Model):
    """One actor's helpful use of an article after a search, at most one a day per query and
    article (the unique constraint). `actor` is a keyed hash of the user or the reader's
    address, never the address itself; the events are kept for the per-actor cap only."""

    actor = models.CharField(max_length=32)
    query_norm = models.CharField(max_length=200)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16)
    weight = models.FloatField()

    class Meta:
        verbose_name = _("learning event")
        verbose_name_plural = _("learning events")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "query_norm", "article", "day"], name="learning_event_daily"
            )
        ]
        indexes = [models.Index(fields=["day"], name="learning_event_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.query_norm} → {self.article_id}"


class Synonym(models.Model):
    """An editor's addition to the search lexicon (`lexicon`, shipped as data): a query word or
    phrase citizens use (`term`: "popelnice") and what the articles call it (`expansion`:
    "komunální odpad"). Applied at query time to the searches of its region, or of every
    region when it has none; editing it never touches the index."""

    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("region"),
    )
    term = models.CharField(_("word people use"), max_length=100)
    expansion = models.CharField(_("what the articles say"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["term", "expansion", "id"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "term", "expansion"], name="synonym_unique_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class SearchTerm(models.Model):
    """The vocabulary of the search index: every term of a `SearchEntry` document with the
    number of entries that have it. Kept by `search_index.index_put` and `index_remove` in the
    same transaction; read by `vocabulary` to correct typos in queries."""

    term = models.CharField(max_length=100, unique=True)
    entries = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return f"{self.term} ({self.entries})"

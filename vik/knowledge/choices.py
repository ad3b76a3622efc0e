from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

# Who an article is for is a question of who may read it, answered in tenancy's permissions.
from vik.tenancy.choices import Audience as Audience

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ArticleKind(models.TextChoices):
    LIFE_SITUATION = "life_situation", _("life situation")
    FAQ = "faq", _("frequently asked question")
    METHODOLOGY = "methodology", _("methodology")
    GOVERNING_DOCUMENT = "governing_document", _("governing document")
    ANNOUNCEMENT = "announcement", _("announcement")


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class Language(models.TextChoices):
    CZECH = "cs", _("Czech")
    ENGLISH = "en", _("English")


# The standard outline of a life situation (the PVS template most municipal websites use,
# DOMAIN-CZ.md §4.2), in the order a page shows it. The keys are stored in
# ArticleVersion.sections; every section is optional Markdown.
LIFE_SITUATION_SECTIONS: list[tuple[str, StrOrPromise]] = [
    ("basic_information", _("Basic information")),
    ("who_may_apply", _("Who may apply")),
    ("conditions", _("Conditions and procedure")),
    ("how_to_apply", _("How to apply")),
    ("where_to_apply", _("Where, with whom and when")),
    ("documents", _("Documents needed")),
    ("forms", _("Forms")),
    ("fees", _("Fees")),
    ("deadlines", _("Deadlines")),
    ("electronic_service", _("Electronic service")),
    ("legal_basis", _("Legal basis")),
    ("remedies", _("Remedies")),
    ("sanctions", _("Sanctions")),
    ("more_information", _("More information")),
    ("related_situations", _("Related life situations")),
]
SECTION_KEYS = [key for key, _label in LIFE_SITUATION_SECTIONS]


class UsageKind(models.TextChoices):
    """What a usage event counts (`models.UsageEvent`; definitions in docs/knowledge.md)."""

    ARTICLE_VIEW = "article_view", _("article viewed")
    SEARCH = "search", _("search with results")
    SEARCH_EMPTY = "search_empty", _("search without result")
    HELPFUL = "helpful", _("helpful")
    NOT_HELPFUL = "not_helpful", _("not helpful")
    USED_IN_REPLY = "used_in_reply", _("used in a reply")
    DEFLECTED = "deflected", _("request deflected")


class UsageWhere(models.TextChoices):
    PORTAL = "portal", _("portal")
    STAFF = "staff", _("staff workspace")
    API = "api", _("API")
    FORM_SUGGESTIONS = "form_suggestions", _("suggestions on the web form")

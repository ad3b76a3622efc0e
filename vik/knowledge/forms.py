"""Forms of the knowledge centre: the portal's search and feedback, the staff editor."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region
from vik.topics.selectors import topic_choices

from .choices import LIFE_SITUATION_SECTIONS, ArticleKind, ArticleState, Audience, Language
from .models import Article, ArticleVersion

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

ID_DIGITS_MAX = 9  # a larger number is no article's id, and too large for a query


class InsertedArticlesField(forms.Field):
    """The ids of the articles an agent inserted into a reply: hidden inputs that
    vik/static/vik/knowledge-insert.js adds to the reply form. Anything not an id is dropped,
    never refused: counting an article's use must not stop a reply."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = {
            int(text)
            for text in (str(item).strip() for item in values[:50])
            if text.isascii() and text.isdigit() and len(text) <= ID_DIGITS_MAX
        }
        return sorted(ids)


class AttachmentForm(forms.Form):
    prefix = "attachment"  # beside the article's form on its edit page: ids of its own
    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_("What the file is, e.g. “Application form”; the file name when empty."),
    )


# The portal ----------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), max_length=200, required=False)
    obec = forms.CharField(label=_("Your municipality"), max_length=120, required=False)


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
    # No length check: a long comment is cut (feedback_record), never refused.
    comment = forms.CharField(
        label=_("What was missing?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )
    q = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    # A honeypot, as on the web form: browsers leave it empty, some robots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


# The staff editor ----------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]


class ArticleTextForm(forms.Form):
    """The text of one version: what article_create and article_edit write."""

    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    question = forms.CharField(
        label=_("Question (FAQ)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: **bold**, *italics*, - lists, [link](https://…), ## headings."),
    )
    questions = forms.CharField(
        label=_("How people ask"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One question per line, in the words citizens use "
            "(“co dělat, když mi ukradli doklady”). "
            "Search finds the article by them as by its title."
        ),
    )
    fee_amount = forms.IntegerField(
        label=_("Fee (CZK)"), required=False, min_value=0, max_value=1_000_000,
        help_text=_("Where your office sets the fee: shown above the “Fees” section."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note on this change"), required=False, max_length=500,
        help_text=_("Shown in the version history."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in LIFE_SITUATION_SECTIONS:
            self.fields[f"section_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

    def clean_questions(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()
        ]

    @property
    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{key}"] for key, _label in LIFE_SITUATION_SECTIONS]

    def text(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "title": data["title"],
            "summary": data["summary"],
            "question": data["question"],
            "body": data["body"],
            "questions": data["questions"],
            "sections": {
                key: data[f"section_{key}"]
                for key, _label in LIFE_SITUATION_SECTIONS
                if data.get(f"section_{key}")
            },
            "fee_amount": data.get("fee_amount"),
            "note": data["note"],
        }

    @staticmethod
    def initial_from(version: ArticleVersion | None) -> dict[str, Any]:
        if version is None:
            return {}
        initial = {
            "language": version.language,
            "title": version.title,
            "summary": version.summary,
            "question": version.question,
            "body": version.body,
            "questions": "\n".join(version.questions or []),
            "fee_amount": version.fee_amount,
        }
        initial.update({f"section_{key}": text for key, text in version.sections.items()})
        return initial


class ArticleDetailsForm(forms.Form):
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=500
    )
    source_url = forms.URLField(
        label=_("Source address"), required=False, max_length=500, assume_scheme="https"
    )
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: a year after publishing."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "—"), *topic_choices()]  # type: ignore[attr-defined]

    def clean_tags(self) -> list[str]:
        return _split(self.cleaned_data["tags"])


class ArticleCreateForm(ArticleDetailsForm, ArticleTextForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    scope = forms.ChoiceField(label=_("For"))

    def __init__(self, *args: Any, user: StaffUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(user)  # type: ignore[attr-defined]
        self.order_fields(["kind", "audience", "scope", "topic", "language", "title"])

    def clean_scope(self) -> tuple[Region | None, InformationCentre | None]:
        return scope_from_choice(self.cleaned_data["scope"])


class VariantCreateForm(ArticleTextForm):
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=InformationCentre.objects.none(), empty_label=_("— choose —")
    )

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.order_fields(["centre"])


class ArticleEditForm(ArticleDetailsForm, ArticleTextForm):
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    related = forms.CharField(
        label=_("Related articles"), required=False, max_length=2000,
        help_text=_("Addresses (slugs) of the articles, separated by commas."),
    )  # fmt: skip

    def clean_related(self) -> list[Article]:
        slugs = _split(self.cleaned_data["related"])
        found = {article.slug: article for article in Article.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise forms.ValidationError(
                _("No article has the address %(slugs)s.") % {"slugs": ", ".join(missing)}
            )
        return [found[slug] for slug in slugs]


def scope_choices(user: StaffUser) -> list[tuple[str, str]]:
    """The scopes the user may write articles for: every region, a region, a centre."""
    choices: list[tuple[str, str]] = []
    if permissions.can_author_article(user, region_id=None, centre_id=None):
        choices.append(("all", str(_("every region"))))
    scope = permissions.scope_for(user)
    regions = (
        Region.objects.all()
        if scope.is_superuser
        else Region.objects.filter(pk__in=sorted(scope.region_ids))
    )
    for region in regions:
        if permissions.can_author_article(user, region_id=region.pk, centre_id=None):
            choices.append((f"region:{region.pk}", region.name))
    centres = InformationCentre.objects.filter(
        permissions.centres_visible(user), is_active=True
    ).select_related("region")
    for centre in centres:
        if permissions.can_author_article(user, region_id=centre.region_id, centre_id=centre.pk):
            choices.append((f"centre:{centre.pk}", f"{centre.name} ({centre.region.name})"))
    return choices


def scope_from_choice(value: str) -> tuple[Region | None, InformationCentre | None]:
    kind, _colon, pk = value.partition(":")
    if kind == "region":
        return Region.objects.get(pk=int(pk)), None
    if kind == "centre":
        centre = InformationCentre.objects.select_related("region").get(pk=int(pk))
        return centre.region, centre
    return None, None


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("all")), *ArticleState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *ArticleKind.choices]
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)


class ArchiveForm(forms.Form):
    note = forms.CharField(label=_("Why"), required=False, max_length=500)


class ReturnForm(forms.Form):
    """A reviewer returns the article in review to its author: what to change."""

    comment = forms.CharField(
        label=_("Comments for the author"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what the author should change.")},
    )


class RestoreForm(forms.Form):
    number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DiffForm(forms.Form):
    old = forms.IntegerField(label=_("Older version"), min_value=1)
    new = forms.IntegerField(label=_("Newer version"), min_value=1)


PERIODS = [
    ("this_month", _("this month")),
    ("last_month", _("last month")),
    ("last_90_days", _("last 90 days")),
    ("range", _("from – to")),
]


class MetricsFilterForm(forms.Form):
    """The period, topic and centre of the usage metrics; `bounds` turns them into times."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        required=False,
        queryset=InformationCentre.objects.none(),
        empty_label=_("all"),
    )

    def __init__(self, *args: Any, user: StaffUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "—"), *topic_choices()]  # type: ignore[attr-defined]
        self.fields["centre"].queryset = InformationCentre.objects.filter(  # type: ignore[attr-defined]
            permissions.knowledge_metrics_centres(user), is_active=True
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "range":
            start, end = data.get("date_from"), data.get("date_to")
            if start is None or end is None:
                raise forms.ValidationError(_("Give both dates of the period."))
            if start > end:
                raise forms.ValidationError(_("The period ends before it starts."))
        return data

    def bounds(self, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of the chosen period in the current time zone (this month by default)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = data.get("period") or "this_month"
        first = today.replace(day=1)
        if period == "last_month":
            start, end = (first - dt.timedelta(days=1)).replace(day=1), first
        elif period == "last_90_days":
            start, end = today - dt.timedelta(days=89), today + dt.timedelta(days=1)
        elif period == "range":
            start, end = data["date_from"], data["date_to"] + dt.timedelta(days=1)
        else:
            start, end = first, today + dt.timedelta(days=1)
        return _midnight(start), _midnight(end)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class SynonymForm(forms.Form):
    """An editor's search synonym: the word people use and what the articles say, for a
    region or every region (the scopes the editor may change)."""

    term = forms.CharField(label=_("Word or phrase people use"), max_length=100)
    expansion = forms.CharField(
        label=_("What the articles say"),
        max_length=200,
        help_text=_("Several ways: separate them with a semicolon."),
    )
    scope = forms.ChoiceField(label=_("Applies to"))

    def __init__(self, *args: Any, user: StaffUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = synonym_scope_choices(user)  # type: ignore[attr-defined]

    def clean_term(self) -> str:
        return " ".join(self.cleaned_data["term"].split())

    def clean_expansion(self) -> str:
        parts = [" ".join(part.split()) for part in self.cleaned_data["expansion"].split(";")]
        return " ; ".join(part for part in parts if part)


def synonym_scope_choices(user: StaffUser) -> list[tuple[str, str]]:
    """Where the user may add synonyms: every region, their regions."""
    choices: list[tuple[str, str]] = []
    if permissions.can_edit_synonyms(user, region_id=None):
        choices.append(("all", str(_("every region"))))
    scope = permissions.scope_for(user)
    regions = (
        Region.objects.all()
        if scope.is_superuser
        else Region.objects.filter(pk__in=sorted(scope.region_ids))
    )
    for region in regions:
        if permissions.can_edit_synonyms(user, region_id=region.pk):
            choices.append((f"region:{region.pk}", region.name))
    return choices

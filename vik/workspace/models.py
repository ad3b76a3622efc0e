"""The agent's day: saved views, canned answers and presence.

(Notifications, which started here, are `vik.notifications`.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vik.conversations.choices import Status

from .choices import MacroScope, PresenceState


class SavedView(models.Model):
    """A named set of the request list's filters and sort.

    A personal view has an `owner`; a shared one has a `centre` or a `region` (and the user who
    created it), and everybody who works there sees it. The built-in views ("mine",
    "unassigned", "due today", "all") are not rows: see `vik.workspace.selectors.BUILT_IN_VIEWS`.
    """

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    centre = models.ForeignKey(
        "tenancy.InformationCentre",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    region = models.ForeignKey(
        "territory.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The list's filter fields as query parameters: {"status": "active", "assignee": "me", ...}.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    sort = models.CharField(_("sort"), max_length=16, default="received")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(owner__isnull=False, centre__isnull=True, region__isnull=True)
                    | Q(owner__isnull=True, centre__isnull=False, region__isnull=True)
                    | Q(owner__isnull=True, centre__isnull=True, region__isnull=False)
                ),
                name="saved_view_one_scope",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class Macro(models.Model):
    """A canned answer: a reply text with placeholders, and the status and tags it sets.

    A region's macro is offered on every request of the region, a centre's only on the
    requests of that centre."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {name} (or {jmeno}), {reference}, {tracking_url}, {centre}, "
            "{opening_hours}, {agent}."
        ),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=MacroScope.choices)
    region = models.ForeignKey(
        "territory.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    centre = models.ForeignKey(
        "tenancy.InformationCentre",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        verbose_name=_("information centre"),
    )
    set_status = models.CharField(_("then set status"), max_length=32, blank=True)
    add_tags = models.JSONField(_("add tags"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope=MacroScope.REGION, centre__isnull=True)
                    | Q(scope=MacroScope.CENTRE, centre__isnull=False)
                ),
                name="macro_scope_matches_centre",
            )
        ]
        indexes = [models.Index(fields=["region", "is_active"], name="macro_region_active")]

    def __str__(self) -> str:
        return self.name

    @property
    def set_status_label(self) -> str:
        return str(Status(self.set_status).label) if self.set_status in Status.values else ""


class Presence(models.Model):
    """Who has a request open right now, and whether they are writing: one row per request and
    user, refreshed by the page's poll and pruned when old."""

    request = models.ForeignKey("conversations.Request", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=16, choices=PresenceState.choices, default=PresenceState.VIEWING
    )
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="presence_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} {self.request_id}"


class ReplyDraft(models.Model):
    """What an agent has typed into a request's reply so far, saved as they type and put back
    into the form when they come back (one per agent per request; gone when the reply is sent)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reply_drafts"
    )
    request = models.ForeignKey(
        "conversations.Request", on_delete=models.CASCADE, related_name="reply_drafts"
    )
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "request"], name="reply_draft_unique"),
        ]

    def __str__(self) -> str:
        return f"draft of {self.user_id} on {self.request_id}"


class ReplySignature(models.Model):
    """The text appended to public replies: an agent's own (`user`) or a centre's (`centre`,
    edited by its lead). A reply gets the agent's, then their centre's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="reply_signature",
    )  # fmt: skip
    centre = models.OneToOneField(
        "tenancy.InformationCentre", null=True, blank=True, on_delete=models.CASCADE,
        related_name="reply_signature",
    )  # fmt: skip
    text = models.TextField(_("signature"), blank=True, max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, centre__isnull=True)
                | Q(user__isnull=True, centre__isnull=False),
                name="reply_signature_of_user_or_centre",
            ),
        ]

    def __str__(self) -> str:
        return f"user {self.user_id}" if self.user_id else f"centre {self.centre_id}"


class ListColumns(models.Model):
    """The columns a user chose for the request list (`vik.workspace.requests.columns`); a
    user without a row sees the default ones."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_columns"
    )
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("columns of the request list")

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.columns)}"

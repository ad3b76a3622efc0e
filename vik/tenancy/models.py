"""Offices, information centres with their hours and competence, staff and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vik.core.models import TimeStampedModel
from vik.territory.models import Municipality, Orp, Region
from vik.topics.models import Topic

from .choices import CENTRE_ROLES, AssignmentPolicy, OfficeKind, Role, Weekday
from .logos import validate_logo


class User(AbstractUser):
    """A member of staff. Citizens have no accounts: they are contacts."""

    # An absent agent (leave, sickness) gets nothing new from routing or assignment policies.
    is_absent = models.BooleanField(_("absent"), default=False)

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Office(TimeStampedModel):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OfficeKind.choices)
    ico = models.CharField(_("IČO"), max_length=8, blank=True)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class InformationCentre(TimeStampedModel):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="centres")
    # Copied from the office: every tenancy filter is by region, and it must be one column.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="centres")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    channels = models.JSONField(_("channels served"), default=list, blank=True)
    acknowledgement_cs = models.TextField(
        _("acknowledgement (Czech)"),
        blank=True,
        help_text=_(
            "Sent automatically to a new request by e-mail. Placeholders: {reference}, "
            "{tracking_url}, {centre}. Empty: VIK's standard text."
        ),
    )
    acknowledgement_en = models.TextField(_("acknowledgement (English)"), blank=True)
    is_regional = models.BooleanField(
        _("regional centre"),
        default=False,
        help_text=_("Receives requests that no other centre is competent for."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    assignment_policy = models.CharField(
        _("assignment of new requests"),
        max_length=16,
        choices=AssignmentPolicy.choices,
        default=AssignmentPolicy.MANUAL,
    )
    keeps_access_after_transfer = models.BooleanField(
        _("keeps read access after a transfer"),
        default=False,
        help_text=_("Whether the centre can still read a request it transferred to another."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("information centre")
        verbose_name_plural = _("information centres")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.region_id = self.office.region_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OpeningHours(models.Model):
    centre = models.ForeignKey(
        InformationCentre, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="hours_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Competence(models.Model):
    """What a centre answers: a topic (or every topic) for a territory.

    The territory is one municipality, one ORP, or (both empty) the centre's whole region.
    """

    centre = models.ForeignKey(
        InformationCentre, on_delete=models.CASCADE, related_name="competences"
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE)
    orp = models.ForeignKey(Orp, null=True, blank=True, on_delete=models.CASCADE)
    municipality = models.ForeignKey(Municipality, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        constraints = [
            models.CheckConstraint(
                condition=Q(orp__isnull=True) | Q(municipality__isnull=True),
                name="competence_one_territory",
            )
        ]

    def __str__(self) -> str:
        territory = self.municipality or self.orp or _("whole region")
        return f"{self.centre}: {self.topic or _('all topics')} / {territory}"


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        InformationCentre,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "centre", "role"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(CENTRE_ROLES), centre__isnull=False)
                    | (~Q(role__in=sorted(CENTRE_ROLES)) & Q(centre__isnull=True))
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.centre or self.region}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.centre is not None:
            self.region_id = self.centre.region_id
        super().save(*args, **kwargs)  # type: ignore[arg-type]


__all__ = ["Competence", "InformationCentre", "Membership", "Office", "OpeningHours", "Role"]


class PortalColour(models.TextChoices):
    """The header colour of a region's portal: steps of the design system's palette that keep
    white text readable (WCAG AA), so that a region's identity stays within the system."""

    PRIMARY = "primary-600", _("blue (the design system's primary)")
    PRIMARY_DARK = "primary-800", _("dark blue")
    NEUTRAL = "neutral-900", _("graphite")
    SUCCESS = "success-700", _("green")
    ERROR = "error-700", _("red")


class PortalIdentity(TimeStampedModel):
    """A region's public portal: its name, logo and colour, and the texts the law requires of a
    public site (the accessibility statement under Act 99/2019 Sb., the privacy notice under
    GDPR Art. 13). Empty texts fall back to the defaults VIK ships (`portal_texts/`)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="portal")
    name = models.CharField(
        _("name of the body running the portal"),
        max_length=200,
        help_text=_("Shown in the header and as the controller, e.g. “Kraj Vysočina”."),
    )
    address = models.CharField(_("address of the body"), max_length=300, blank=True)
    ico = models.CharField(_("IČO"), max_length=8, blank=True)
    web = models.URLField(_("the body's website"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="portal/",
        blank=True,
        validators=[validate_logo],
        help_text=_("SVG or PNG, shown at 3 rem height on the coloured header."),
    )
    colour = models.CharField(
        _("header colour"),
        max_length=16,
        choices=PortalColour.choices,
        default=PortalColour.PRIMARY,
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    data_protection_officer = models.CharField(
        _("data protection officer (name and contact)"), max_length=300, blank=True
    )
    accessibility_statement = models.TextField(
        _("accessibility statement (Markdown)"),
        blank=True,
        help_text=_("Empty: the default statement, filled in with the details above."),
    )
    accessibility_prepared_on = models.DateField(
        _("date the accessibility statement was prepared"), null=True, blank=True
    )
    privacy_notice = models.TextField(
        _("privacy notice (Markdown)"),
        blank=True,
        help_text=_("Empty: the default notice, filled in with the details above."),
    )

    class Meta:
        verbose_name = _("region's portal")
        verbose_name_plural = _("regions' portals")

    def __str__(self) -> str:
        return self.name

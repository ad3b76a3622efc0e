"""The public portal's identity per region (name, logo, colour) and the texts the law requires
of a public site: the accessibility statement (Act 99/2019 Sb.) and the privacy notice (GDPR
Art. 13). A region edits them in the admin (`PortalIdentity`); empty texts fall back to the
defaults shipped in `portal_texts/`, filled in with the region's details."""

from __future__ import annotations

import functools
from pathlib import Path
from string import Template

from django.conf import settings
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from vik.core.text import sanitize_html
from vik.territory.models import Region

from .models import PortalColour, PortalIdentity

TEXTS = Path(__file__).parent / "portal_texts"
ACCESSIBILITY = "accessibility"
PRIVACY = "privacy"
# Raw HTML in the Markdown is shown as text; links and images are sanitised after.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def portal_identity(*, region_id: int | None = None) -> PortalIdentity:
    """The identity of the portal a page belongs to: the region's own (a tracking page knows its
    request's region), else VIK_PORTAL_REGION's, else the first one set up; a default one
    (not saved) when no region has set up its portal."""
    found = PortalIdentity.objects.select_related("region")
    identity = None
    if region_id is not None:
        identity = found.filter(region_id=region_id).first()
    if identity is None and settings.VIK_PORTAL_REGION:
        identity = found.filter(region__code=settings.VIK_PORTAL_REGION).first()
    if identity is None:
        identity = found.order_by("pk").first()
    if identity is not None:
        return identity
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    region = region or Region.objects.order_by("pk").first()
    return PortalIdentity(
        region=region, name=region.name if region else "", colour=PortalColour.PRIMARY
    )


@functools.cache
def _default(kind: str) -> str:
    return (TEXTS / f"{kind}.cs.md").read_text(encoding="utf-8")


def _unknown(value: str) -> str:
    return value or "—"


def law_text_markdown(*, identity: PortalIdentity, kind: str, site: str) -> str:
    """The region's own text, or the shipped default filled in with its details."""
    own = identity.accessibility_statement if kind == ACCESSIBILITY else identity.privacy_notice
    if own.strip():
        return own
    prepared = identity.accessibility_prepared_on or (
        identity.created_at.date() if identity.created_at else None
    )
    return Template(_default(kind)).safe_substitute(
        name=_unknown(identity.name),
        address=_unknown(identity.address),
        ico_line=f", IČO {identity.ico}" if identity.ico else "",
        email=_unknown(identity.contact_email),
        phone=_unknown(identity.contact_phone),
        dpo=identity.data_protection_officer
        or "Kontakt na pověřence zveřejňuje správce na své úřední desce.",
        site=site,
        prepared_on=formats.date_format(prepared, "j. n. Y") if prepared else "—",
    )


def law_text_html(*, identity: PortalIdentity, kind: str, site: str) -> SafeString:
    html = sanitize_html(
        _MARKDOWN.render(law_text_markdown(identity=identity, kind=kind, site=site))
    )
    return mark_safe(html)  # noqa: S308 — sanitised just above

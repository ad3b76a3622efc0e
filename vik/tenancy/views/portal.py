"""The legal pages of the public portal: the accessibility statement and the privacy notice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..portal import ACCESSIBILITY, PRIVACY, law_text_html, portal_identity


def _law_page(request: HttpRequest, *, kind: str, title: str) -> HttpResponse:
    identity = portal_identity(region_id=getattr(request, "portal_region_id", None))
    site = request.build_absolute_uri("/")
    return render(
        request,
        "tenancy/law_page.html",
        {
            "title": title,
            "kind": kind,
            "text": law_text_html(identity=identity, kind=kind, site=site),
            "identity": identity,
        },
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return _law_page(request, kind=ACCESSIBILITY, title=_("Accessibility statement"))


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return _law_page(request, kind=PRIVACY, title=_("Personal data protection"))

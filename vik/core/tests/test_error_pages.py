"""The error pages: every status in the staff and the portal layout, in Czech and English, with
DEBUG off; the 500 page needs no database; the CSRF page shows back the visitor's text."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation

from config import urls as project_urls
from vik.core import error_pages

pytestmark = pytest.mark.django_db


def _raise(exception: type[Exception]) -> Any:
    def view(request: HttpRequest) -> HttpResponse:
        raise exception("test")

    return view


def _busy(request: HttpRequest) -> HttpResponse:
    return error_pages.error_response(request, 429, retry_after_seconds=300)


urlpatterns = [
    *[
        path(f"{prefix}err/{status}/", view)
        for prefix in ("staff/", "")
        for status, view in (
            (400, _raise(BadRequest)),
            (403, _raise(PermissionDenied)),
            (429, _busy),
            (500, _raise(RuntimeError)),
        )
    ],
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

TITLES = {
    ("cs", 400): "Požadavek nelze zpracovat",
    ("en", 400): "The request could not be processed",
    ("cs", 403): "Přístup odepřen",
    ("en", 403): "Access denied",
    ("cs", 404): "Stránka nenalezena",
    ("en", 404): "Page not found",
    ("cs", 429): "Příliš mnoho pokusů",
    ("en", 429): "Too many attempts",
    ("cs", 500): "Na naší straně se něco pokazilo",
    ("en", 500): "Something went wrong on our side",
}
NEXT_STEP = {
    ("cs", 400): "Vraťte se tlačítkem Zpět",
    ("en", 400): "Go back with your browser's Back button",
    ("cs", 403): "kontaktujte úřad",
    ("en", 403): "contact the office",
    ("cs", 404): "Zkontrolujte adresu",
    ("en", 404): "Check the address",
    ("cs", 429): "Počkejte 5 minut a zkuste to znovu",
    ("en", 429): "Wait 5 minutes and try again",
    ("cs", 500): "Zkuste to znovu za několik minut",
    ("en", 500): "Try again in a few minutes",
}
STAFF_NEXT_403 = {
    "cs": "požádejte vedoucího svého centra",
    "en": "ask your centre lead",
}


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize("language", ["cs", "en"])
@pytest.mark.parametrize("status", [400, 403, 404, 429, 500])
@pytest.mark.parametrize("staff", [True, False], ids=["staff", "portal"])
def test_each_error_page_in_each_layout_and_language(world, status, language, staff):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    if staff:
        client.force_login(world.alice)
    url = f"/{'staff/' if staff else ''}{'nowhere' if status == 404 else f'err/{status}'}/"
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in page
    assert TITLES[language, status] in page
    if staff and status == 403:
        assert STAFF_NEXT_403[language] in page
    else:
        assert NEXT_STEP[language, status] in page
    if staff:
        assert "VIK · " in page  # the staff layout's brand
        assert 'href="/staff/requests/"' in page
    else:
        assert 'href="/staff/login/"' in page  # the portal's footer
        assert "VIK · " not in page
    if status == 429:
        assert response["Retry-After"] == "300"


def test_the_500_page_needs_no_database(django_db_blocker):
    request = RequestFactory().get("/staff/requests/")
    with django_db_blocker.block(), translation.override("cs"):
        response = error_pages.server_error(request)
    assert response.status_code == 500
    assert "Na naší straně se něco pokazilo" in response.content.decode()
    assert "VIK · " in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_anonymous_visitor_of_a_staff_page_is_offered_to_sign_in(world):
    response = Client(raise_request_exception=False).get("/staff/err/403/")
    assert response.status_code == 403
    assert 'href="/staff/login/?next=/staff/err/403/"' in response.content.decode()


def test_an_expired_form_says_so_and_shows_back_the_text(world):
    client = Client(enforce_csrf_checks=True)
    question = "Dobrý den,\nkdy je otevřený sběrný dvůr v Jihlavě o svátcích?"
    response = client.post("/", {"message": question, "name": "Jana", "password": "tajne-heslo"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Platnost formuláře vypršela" in page
    assert "Váš text zůstal zachován" in page
    assert "kdy je otevřený sběrný dvůr v Jihlavě o svátcích?</textarea>" in page
    assert "tajne-heslo" not in page
    assert "Virtuální informační kancelář" in page  # the portal's layout


def test_no_store_on_staff_admin_and_tracking_pages_only(world, client, citizen_request):
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    assert client.get(f"/sledovani/{citizen_request.public_token}/")["Cache-Control"] == "no-store"
    assert client.get("/staff/login/")["Cache-Control"] == "no-store"
    assert client.get("/admin/login/")["Cache-Control"] == "no-store"
    client.force_login(world.alice)
    assert client.get("/staff/requests/")["Cache-Control"] == "no-store"
    assert (
        client.get(f"/staff/requests/{citizen_request.reference}/")["Cache-Control"] == "no-store"
    )

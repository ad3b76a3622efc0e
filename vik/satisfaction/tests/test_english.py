"""The rating page in English (the portal's language switch)."""

from __future__ import annotations

from django.conf import settings


def test_the_rating_page_speaks_english(client, invitation):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/hodnoceni/{invitation.token}/5/").content.decode()
    assert '<html lang="en">' in html
    assert "How did we help you?" in html and "5 – excellent" in html
    assert "You chose 5 of 5. Confirm it with the button below" in html

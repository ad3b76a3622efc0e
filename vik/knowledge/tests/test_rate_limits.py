"""The knowledge centre's public endpoints are rate limited per address (vik.abuse.ratelimit):
"Was this helpful?", the search page and the JSON search API."""

import datetime as dt

import pytest

from vik.core import clock
from vik.knowledge.models import ArticleFeedback


@pytest.fixture(autouse=True)
def _mid_window():
    """The windows are fixed (10 minutes, a minute): the tests run in the middle of one, never
    across the end of one."""
    with clock.travel(dt.datetime(2026, 3, 2, 9, 4, 20, tzinfo=dt.UTC)):
        yield


def test_feedback_over_the_limit_gets_the_429_page_with_the_comment_kept(
    world, client, id_card, settings
):
    settings.VIK_RATE_LIMITS = "feedback=2/10m"
    url = f"/znalosti/clanek/{id_card.slug}/hodnoceni"
    for n in range(2):
        response = client.post(url, {"helpful": "no", "comment": f"Chybí {n}."})
        assert response.status_code == 302
    comment = "Chybí otevírací doba <úřadu> v sobotu."
    response = client.post(url, {"helpful": "no", "comment": comment}, HTTP_REFERER=url)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert "Příliš mnoho požadavků v krátké době" in html
    assert "Z vaší adresy přišlo příliš mnoho požadavků. Zkuste to prosím znovu za " in html
    assert "Chybí otevírací doba &lt;úřadu&gt; v sobotu.</textarea>" in html
    assert f'href="{url}"' in html  # back to the article
    assert sorted(ArticleFeedback.objects.values_list("comment", flat=True)) == [
        "Chybí 0.",
        "Chybí 1.",
    ]
    # another address is not affected
    response = client.post(url, {"helpful": "yes"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302
    assert ArticleFeedback.objects.count() == 3


def test_the_search_page_is_limited_and_keeps_the_query(world, client, id_card, settings):
    settings.VIK_RATE_LIMITS = "search=3/m"
    for _n in range(3):
        assert client.get("/znalosti/hledat/", {"q": "občanský průkaz"}).status_code == 200
    response = client.get("/znalosti/hledat/", {"q": "občanský průkaz pro dítě"})
    assert response.status_code == 429
    assert "občanský průkaz pro dítě</textarea>" in response.content.decode()


def test_the_search_api_answers_429_in_json_with_retry_after(world, client, id_card, settings):
    settings.VIK_RATE_LIMITS = "api_search=2/m"
    for _n in range(2):
        response = client.get("/api/v1/knowledge/search", {"q": "občanského průkazu"})
        assert response.status_code == 200
        assert [hit["id"] for hit in response.json()] == [id_card.pk]
    response = client.get("/api/v1/knowledge/search", {"q": "občanského průkazu"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    assert response.json() == {
        "detail": response.json()["detail"],
        "retry_after": retry_after,
    }
    assert response.json()["detail"].startswith("Příliš mnoho požadavků. Zkuste to znovu za ")

"""The usage metrics: where events are recorded, the deflection flow, the metrics page."""

import datetime as dt

import pytest
from django.test import Client

from vik.conversations import services as conversations
from vik.core import clock
from vik.knowledge import services
from vik.knowledge.models import ArticleFeedback, UsageEvent
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import submit_web_request, web_form_data


def kinds(**filters):
    return sorted(UsageEvent.objects.filter(**filters).values_list("kind", "where"))


def test_portal_views_searches_and_feedback_are_recorded(world, client, id_card, staff_note):
    client.get("/znalosti/hledat/", {"q": "Občanský průkaz", "obec": "Jihlava"})
    client.get("/znalosti/hledat/", {"q": "rybářský lístek"})
    client.get(f"/znalosti/clanek/{id_card.slug}/", {"obec": "Jihlava"})
    assert client.get(f"/znalosti/clanek/{staff_note.slug}/").status_code == 404
    client.post(f"/znalosti/clanek/{id_card.slug}/hodnoceni", {"helpful": "no", "q": ""})

    assert kinds() == [
        ("article_view", "portal"),
        ("not_helpful", "portal"),
        ("search", "portal"),
        ("search_empty", "portal"),
    ]
    assert not UsageEvent.objects.filter(article=staff_note).exists()  # shown to nobody
    view = UsageEvent.objects.get(kind="article_view")
    assert (view.article, view.topic, view.centre) == (id_card, id_card.topic, world.centre_a)
    assert UsageEvent.objects.get(kind="search").centre == world.centre_a
    assert UsageEvent.objects.get(kind="search_empty").query == "rybarsky listek"
    assert ArticleFeedback.objects.count() == 1  # the feedback itself stays


def test_staff_api_and_form_suggestion_searches_and_staff_views(world, client, id_card):
    client.force_login(world.alice)
    client.get("/staff/knowledge/", {"q": "občanský průkaz"})
    client.get(f"/staff/knowledge/{id_card.pk}/")
    client.logout()
    client.get("/api/v1/knowledge/search", {"q": "nic takového neexistuje xyzzy"})
    client.get("/napoveda/", {"message": "Kde si vyzvednu občanský průkaz?"})

    assert kinds() == [
        ("article_view", "staff"),
        ("search", "form_suggestions"),
        ("search", "staff"),
        ("search_empty", "api"),
    ]
    assert UsageEvent.objects.get(where="staff", kind="search").centre == world.centre_a
    assert UsageEvent.objects.filter(centre__isnull=False).count() == 2


def test_a_draft_opened_by_its_author_is_no_view(world, client):
    draft = services.article_create(
        by=world.alice, kind="faq", title="Návrh", centre=world.centre_a
    )
    client.force_login(world.alice)
    assert client.get(f"/staff/knowledge/{draft.pk}/").status_code == 200
    assert not UsageEvent.objects.exists()


def test_a_failure_to_record_never_breaks_the_page(world, client, id_card, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(UsageEvent.objects, "create", broken)
    assert client.get(f"/znalosti/clanek/{id_card.slug}/").status_code == 200
    assert services.usage_record(kind="search", where="portal", query="x") is None


def test_a_reply_with_an_article_link_records_its_use(world, id_card, staff_note):
    request = submit_web_request(Client())
    text = (
        f"Dobrý den, vše najdete na http://testserver/znalosti/clanek/{id_card.slug}/ "
        f"(a znovu /znalosti/clanek/{id_card.slug}/), "
        f"interně /znalosti/clanek/{staff_note.slug}/ a /znalosti/clanek/neexistuje/."
    )
    conversations.request_reply(request=request, by=world.alice, text=text)
    conversations.request_reply(request=request, by=world.alice, text="Bez odkazu.")
    event = UsageEvent.objects.get()
    assert (event.kind, event.article, event.centre) == ("used_in_reply", id_card, request.centre)


def test_search_article_helpful_without_the_form_is_one_deflection(world, client, id_card):
    client.get("/znalosti/hledat/", {"q": "občanský průkaz"})
    client.get(f"/znalosti/clanek/{id_card.slug}/", {"q": "občanský průkaz"})
    for _ in range(2):  # once per browser session
        client.post(
            f"/znalosti/clanek/{id_card.slug}/hodnoceni",
            {"helpful": "yes", "q": "občanský průkaz"},
        )
        client.get(f"/znalosti/clanek/{id_card.slug}/", {"q": "občanský průkaz"})
    assert UsageEvent.objects.filter(kind="deflected", article=id_card).count() == 1
    assert UsageEvent.objects.filter(kind="helpful").count() == 2


def test_helpful_without_a_search_or_after_the_form_is_no_deflection(world, id_card):
    reader = Client()
    reader.get(f"/znalosti/clanek/{id_card.slug}/")  # came straight to the article
    reader.post(f"/znalosti/clanek/{id_card.slug}/hodnoceni", {"helpful": "yes", "q": ""})

    asker = Client()
    asker.get("/", {"q": "občanský průkaz"})  # the form with suggestions
    asker.get(f"/znalosti/clanek/{id_card.slug}/", {"q": "občanský průkaz"})
    with run_on_commit():
        response = asker.post("/", web_form_data())
    assert response.status_code == 302
    asker.post(f"/znalosti/clanek/{id_card.slug}/hodnoceni", {"helpful": "yes", "q": ""})

    assert not UsageEvent.objects.filter(kind="deflected").exists()
    assert UsageEvent.objects.filter(kind="helpful").count() == 2


@pytest.fixture
def editor_b(world) -> User:
    user = User.objects.create_user(username="hana", password="x")
    Membership.objects.create(
        user=user, region=world.region, centre=world.centre_b, role=Role.KNOWLEDGE_EDITOR
    )
    return user


def record(kind, *, at, article=None, centre=None, query=""):
    with clock.travel(at):
        services.usage_record(
            kind=kind, where="portal", article=article, centre_id=centre and centre.pk, query=query
        )


def figures(html, metric):
    return html.split(f'data-metric="{metric}">', 1)[1].split("<", 1)[0]


def test_the_metrics_page_counts_a_period_and_filters_by_centre(world, client, id_card, editor_b):
    now = clock.now()
    old = now - dt.timedelta(days=200)
    for centre in (world.centre_a, world.centre_a, world.centre_b):
        record("article_view", at=now, article=id_card, centre=centre)
    record("article_view", at=old, article=id_card, centre=world.centre_a)
    record("search_empty", at=now, query="Rybářský lístek", centre=world.centre_a)
    record("search_empty", at=now, query="rybářský  lístek")
    record("search", at=now, query="průkaz")
    record("helpful", at=now, article=id_card)
    record("not_helpful", at=now, article=id_card, centre=world.centre_b)
    record("deflected", at=now, article=id_card)

    client.force_login(world.carol)
    html = client.get("/staff/knowledge/metrics/", {"period": "last_90_days"}).content.decode()
    assert figures(html, "searches") == "3"
    assert figures(html, "searches_empty") == "2"
    assert figures(html, "deflected") == "1"
    assert f'data-article="{id_card.pk}">3<' in html  # not the view of 200 days ago
    assert "<td>rybarsky listek</td><td>2</td>" in html
    assert "<td>1</td><td>1</td>" in html  # helpful, not helpful

    html = client.get(
        "/staff/knowledge/metrics/", {"period": "last_90_days", "centre": world.centre_b.pk}
    ).content.decode()
    assert f'data-article="{id_card.pk}">1<' in html
    assert figures(html, "searches") == "0"

    start = (old - dt.timedelta(days=1)).date().isoformat()
    html = client.get(
        "/staff/knowledge/metrics/", {"period": "range", "date_from": start, "date_to": start}
    ).content.decode()
    assert f'data-article="{id_card.pk}">' not in html

    client.force_login(editor_b)  # centre B's editor: centre B's events and those of no centre
    html = client.get("/staff/knowledge/metrics/", {"period": "last_90_days"}).content.decode()
    assert f'data-article="{id_card.pk}">1<' in html
    assert figures(html, "searches_empty") == "1"


def test_an_agent_may_not_see_the_metrics(world, client, editor_b):
    client.force_login(world.alice)
    assert client.get("/staff/knowledge/metrics/").status_code in (403, 404)
    assert "/staff/knowledge/metrics/" not in client.get("/staff/knowledge/").content.decode()
    for user in (editor_b, world.carol, world.erin):
        client.force_login(user)
        assert client.get("/staff/knowledge/metrics/").status_code == 200
        assert "/staff/knowledge/metrics/" in client.get("/staff/knowledge/").content.decode()

"""The request page's "Guides and answers": articles for the request, insertable when public."""

from __future__ import annotations

from typing import Any

import pytest

from vik.conversations.models import Interaction, Request
from vik.knowledge import services
from vik.knowledge.models import Article, UsageEvent
from vik.knowledge.tests.conftest import publish
from vik.tenancy.models import User
from vik.testing.fixtures import run_on_commit
from vik.testing.personas import World, submit_web_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(world: World) -> dict[str, Article]:
    return {
        "public": publish(
            kind="faq",
            title="Kdy mohu vyzvednout nový občanský průkaz?",
            question="Kdy mohu vyzvednout nový občanský průkaz?",
            body="Do 30 dnů od podání žádosti.",
            region=world.region,
        ),
        "staff": publish(
            kind="methodology",
            title="Vydávání občanských průkazů na přepážce",
            body="Interní postup při vydání nového průkazu.",
            audience="staff",
            region=world.region,
        ),
        "unrelated": publish(
            kind="faq", title="Parkovací karta pro rezidenty", region=world.region
        ),
    }


def test_the_agent_sees_articles_for_the_request(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    client = login(world.alice)

    response = client.get(f"/staff/requests/{citizen_request.reference}/")

    suggestions = response.context["knowledge_suggestions"]
    assert {s.hit.article for s in suggestions} == {articles["public"], articles["staff"]}
    html = response.content.decode()
    assert "Parkovací karta" not in html
    assert 'data-testid="knowledge-suggestions"' in html


def test_only_public_articles_can_be_inserted_into_the_reply(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    client = login(world.alice)

    response = client.get(f"/staff/requests/{citizen_request.reference}/")

    by_article = {s.hit.article: s for s in response.context["knowledge_suggestions"]}
    public, staff = by_article[articles["public"]], by_article[articles["staff"]]
    assert public.is_public
    assert public.public_url == (f"http://testserver/znalosti/clanek/{articles['public'].slug}/")
    # A frequently asked question's answer alone: the citizen asked the question.
    assert public.text == "Do 30 dnů od podání žádosti."
    assert not staff.is_public
    assert (staff.public_url, staff.text) == ("", "")
    assert staff.url == f"/staff/knowledge/{articles['staff'].pk}/"
    html = response.content.decode()
    assert html.count('data-testid="insert-link"') == 1
    assert html.count('data-testid="insert-text"') == 1
    assert f'data-insert="{public.public_url}"' in html
    assert "Interní postup při vydání" not in html.split('data-testid="insert-text"')[1][:200]
    assert 'src="/static/vik/knowledge-insert.js"' in html


def test_who_may_only_read_the_request_gets_no_insert_controls(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    client = login(world.erin)  # the analyst reads requests but does not work them

    response = client.get(f"/staff/requests/{citizen_request.reference}/")

    assert response.context["knowledge_suggestions"]
    assert 'data-testid="insert-link"' not in response.content.decode()


def test_each_insert_row_names_its_article(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    html = login(world.alice).get(f"/staff/requests/{citizen_request.reference}/").content.decode()

    assert f'data-article="{articles["public"].pk}"' in html
    assert f'data-article="{articles["staff"].pk}"' not in html  # nothing to insert


def reply(client: Any, item: Request, text: str, inserted: list[Any]) -> None:
    with run_on_commit():
        response = client.post(
            f"/staff/requests/{item.reference}/reply",
            {"text": text, "status": "", "knowledge_articles": inserted},
        )
    assert response.status_code == 302


def test_an_inserted_article_counts_as_used_once_per_reply(
    citizen_request: Request, world: World, login: Any, articles: dict
) -> None:
    public, staff = articles["public"], articles["staff"]
    client = login(world.alice)

    # Its text inserted twice and its link typed in as well; the staff article's id and
    # what is no id are ignored: only a public article goes into a reply.
    reply(
        client,
        citizen_request,
        f"Viz /znalosti/clanek/{public.slug}/ a text článku.",
        [public.pk, public.pk, staff.pk, "x", "99999999999999999999"],
    )
    reply(client, citizen_request, "Vložený text bez odkazu.", [public.pk])
    reply(client, citizen_request, "Nic z centra znalostí.", [])

    events = UsageEvent.objects.filter(kind="used_in_reply")
    assert [(e.article, e.centre, e.where) for e in events] == [
        (public, citizen_request.centre, "staff")
    ] * 2
    assert Interaction.objects.filter(request=citizen_request, direction="outbound").count() == 3

    html = login(world.carol).get("/staff/knowledge/metrics/").content.decode()
    assert f'data-testid="used-in-replies-{public.pk}">2<' in html


def test_a_reply_without_the_field_still_goes_out(
    citizen_request: Request, world: World, login: Any
) -> None:
    client = login(world.alice)
    with run_on_commit():
        response = client.post(
            f"/staff/requests/{citizen_request.reference}/reply",
            {"text": "Dobrý den.", "status": ""},
        )

    assert response.status_code == 302
    assert Interaction.objects.filter(request=citizen_request, direction="outbound").count() == 1
    assert not UsageEvent.objects.exists()


@pytest.fixture
def dog_fee(world: World) -> dict[str, Article]:
    """A shared article on the dog fee and the local variants of centres A and B."""
    shared = publish(
        kind="faq",
        title="Poplatek ze psů",
        question="Kolik zaplatím poplatek ze psa?",
        body="Výši poplatku stanoví obec vyhláškou.",
        region=world.region,
    )
    local = {}
    for key, centre, amount in (("a", world.centre_a, 1200), ("b", world.centre_b, 800)):
        variant = services.article_create(
            by=None,
            kind="faq",
            variant_of=shared,
            centre=centre,
            title=f"Poplatek ze psů v {centre.name}",
            question="Kolik zaplatím poplatek ze psa?",
            body=f"Poplatek je {amount} Kč ročně.",
        )
        with run_on_commit():
            local[key] = services.article_publish(article=variant, by=None)
    return {"shared": shared, **local}


DOG_QUESTION = "Dobrý den, kolik zaplatím poplatek ze psa? Děkuji."


@pytest.mark.parametrize("reader", ["carol", "alice", "superuser"])
def test_the_request_s_territory_decides_the_local_variant_not_the_reader_s(
    world: World, client: Any, login: Any, dog_fee: dict, reader: str
) -> None:
    item = submit_web_request(client, message=DOG_QUESTION)  # from Jihlava: centre A
    assert item.centre == world.centre_a
    user = (
        User.objects.create_superuser(username="root", password="x", email="root@vik.test")
        if reader == "superuser"
        else getattr(world, reader)
    )

    response = login(user).get(f"/staff/requests/{item.reference}/")

    shown = {s.hit.article for s in response.context["knowledge_suggestions"]}
    assert dog_fee["a"] in shown
    assert dog_fee["shared"] not in shown and dog_fee["b"] not in shown


def test_a_request_of_a_centre_without_a_variant_gets_the_shared_article(
    world: World, client: Any, login: Any, dog_fee: dict
) -> None:
    item = submit_web_request(client, message=DOG_QUESTION)
    services.article_archive(article=dog_fee["a"], by=None)

    response = login(world.alice).get(f"/staff/requests/{item.reference}/")

    shown = {s.hit.article for s in response.context["knowledge_suggestions"]}
    assert dog_fee["shared"] in shown
    assert dog_fee["b"] not in shown

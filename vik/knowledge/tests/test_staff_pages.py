"""The knowledge pages of the staff workspace."""

import pytest

from vik.knowledge import services
from vik.knowledge.models import Article


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_shows_what_the_user_may_see(world, client, id_card, staff_note):
    draft = services.article_create(
        by=world.bob, kind="faq", title="Třebíčský návrh", body="…", centre=world.centre_b
    )
    client.force_login(world.alice)
    html = page(client.get("/staff/knowledge/"))
    assert "Občanský průkaz" in html
    assert "Postup při ztrátě" in html
    assert "Třebíčský návrh" not in html  # a draft of another centre
    client.force_login(world.bob)
    assert "Třebíčský návrh" in page(client.get("/staff/knowledge/"))
    client.force_login(world.dave)
    html = page(client.get("/staff/knowledge/"))
    assert "Postup při ztrátě" not in html
    assert client.get(f"/staff/knowledge/{staff_note.pk}/").status_code == 404
    assert client.get(f"/staff/knowledge/{draft.pk}/").status_code == 404


def test_staff_search_finds_internal_articles(world, client, id_card, staff_note):
    client.force_login(world.alice)
    html = page(client.get("/staff/knowledge/", {"q": "ztráta průkazu"}))
    assert f'href="/staff/knowledge/{staff_note.pk}/?q=' in html
    assert f'href="/staff/knowledge/{id_card.pk}/?q=' in html


def test_write_submit_and_publish_through_the_pages(world, client, frank):
    client.force_login(world.alice)
    form = page(client.get("/staff/knowledge/new/"))
    assert f'value="centre:{world.centre_a.pk}"' in form
    assert f'value="centre:{world.centre_b.pk}"' not in form
    response = client.post(
        "/staff/knowledge/new/",
        {
            "kind": "life_situation", "audience": "public", "scope": f"centre:{world.centre_a.pk}",
            "language": "cs", "title": "Rybářský lístek", "body": "Vydává odbor ŽP.",
            "section_fees": "100 Kč", "note": "", "topic": "", "tags": "ryby, lístky",
        },
    )  # fmt: skip
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/knowledge/{article.pk}/"
    assert article.centre == world.centre_a
    assert article.versions.get().sections == {"fees": "100 Kč"}

    detail = page(client.get(f"/staff/knowledge/{article.pk}/"))
    assert f'action="/staff/knowledge/{article.pk}/submit"' in detail
    assert f'action="/staff/knowledge/{article.pk}/publish"' not in detail  # Alice never publishes
    client.post(f"/staff/knowledge/{article.pk}/submit")
    article.refresh_from_db()
    assert article.state == "in_review"

    # A forged publish by Alice changes nothing.
    response = client.post(f"/staff/knowledge/{article.pk}/publish")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.state, article.published_version_id) == ("in_review", None)

    client.force_login(frank)
    review = page(client.get("/staff/knowledge/review/"))
    assert "Rybářský lístek" in review
    client.post(f"/staff/knowledge/{article.pk}/publish")
    article.refresh_from_db()
    assert article.state == "published"
    assert client.get(f"/znalosti/clanek/{article.slug}/").status_code == 200


def test_edit_diff_and_restore_through_the_pages(world, client, id_card):
    client.force_login(world.carol)
    edit = page(client.get(f"/staff/knowledge/{id_card.pk}/edit/"))
    assert "Občanský průkaz" in edit
    response = client.post(
        f"/staff/knowledge/{id_card.pk}/edit/",
        {
            "language": "cs", "title": "Občanský průkaz", "body": "Nový <text> & řádek.",
            "summary": "", "audience": "public", "note": "Zkrácení", "tags": "",
            "related": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert id_card.versions.count() == 2

    diff = page(client.get(f"/staff/knowledge/{id_card.pk}/diff/", {"old": 1, "new": 2}))
    assert "<ins>Nový &lt;text&gt; &amp; řádek.</ins>" in diff
    assert "<del>Žádost podáte" in diff

    client.post(f"/staff/knowledge/{id_card.pk}/restore", {"number": 1})
    latest = id_card.versions.order_by("-number").first()
    assert latest.number == 3
    assert latest.body == id_card.published_version.body


@pytest.mark.parametrize("action", ["submit", "publish", "archive", "restore"])
def test_actions_need_post(world, client, id_card, action):
    client.force_login(world.carol)
    assert client.get(f"/staff/knowledge/{id_card.pk}/{action}").status_code == 405


def test_a_local_variant_through_the_pages(world, client, id_card, frank):
    client.force_login(frank)
    detail = page(client.get(f"/staff/knowledge/{id_card.pk}/"))
    assert f'href="/staff/knowledge/{id_card.pk}/variant/"' in detail
    form = page(client.get(f"/staff/knowledge/{id_card.pk}/variant/"))
    assert "Občanský průkaz" in form  # starts from the shared text
    response = client.post(
        f"/staff/knowledge/{id_card.pk}/variant/",
        {"centre": world.centre_a.pk, "language": "cs", "title": "Průkaz v Jihlavě", "body": "…"},
    )
    variant = Article.objects.get(variant_of=id_card)
    assert response["Location"] == f"/staff/knowledge/{variant.pk}/"
    assert variant.centre == world.centre_a


def test_the_list_costs_a_fixed_number_of_queries(
    world, client, id_card, django_assert_max_num_queries
):
    for number in range(15):
        services.article_create(by=None, kind="faq", title=f"Otázka {number}", body="…")
    client.force_login(world.carol)
    client.get("/staff/knowledge/")
    with django_assert_max_num_queries(10):
        client.get("/staff/knowledge/")


def test_readers_who_may_not_write_get_403_on_the_forms(world, client, id_card):
    client.force_login(world.erin)  # the analyst reads, never writes
    assert client.get(f"/staff/knowledge/{id_card.pk}/").status_code == 200
    assert client.get(f"/staff/knowledge/{id_card.pk}/edit/").status_code == 403
    assert client.get("/staff/knowledge/new/").status_code == 403
    assert client.get(f"/staff/knowledge/{id_card.pk}/variant/").status_code == 403
    client.force_login(world.dave)  # another region's coordinator: a public article, read only
    assert client.get(f"/staff/knowledge/{id_card.pk}/edit/").status_code == 403

"""The workflow draft → in review → published → archived, and who may do what."""

import pytest
from django.contrib.auth.models import AnonymousUser

from vik.audit.models import AuditEvent
from vik.core.errors import InvalidTransition, PermissionDenied
from vik.knowledge import selectors, services
from vik.knowledge.models import Article, ArticleVersion, SearchEntry
from vik.knowledge.tests.conftest import publish
from vik.tenancy import permissions


def snapshot(article: Article) -> tuple:
    article.refresh_from_db()
    return (
        article.state,
        article.published_version_id,
        article.review_by,
        article.versions.count(),
        SearchEntry.objects.filter(article=article).count(),
        AuditEvent.objects.filter(
            object_id=str(article.pk), action__startswith="knowledge."
        ).count(),
    )


def test_an_agent_drafts_and_submits_a_coordinator_publishes(world):
    article = services.article_create(
        by=world.alice, kind="faq", title="Kdy je otevřeno?", body="Po–Pá 8–17.",
        region=world.region,
    )  # fmt: skip
    assert article.state == "draft"
    assert not article.is_live
    assert list(article.owners.all()) == [world.alice]
    assert article.versions.get().author == world.alice

    services.article_submit(article=article, by=world.alice)
    assert article.state == "in_review"

    services.article_publish(article=article, by=world.carol)
    article.refresh_from_db()
    assert article.state == "published"
    assert article.published_version.number == 1
    assert article.review_by is not None
    event = AuditEvent.objects.get(action="knowledge.publish", object_id=str(article.pk))
    assert event.actor == world.carol
    assert event.details == {"versions": {"cs": 1}}
    assert event.region_id == world.region.pk


def test_a_centre_agent_cannot_publish_region_wide_and_nothing_changes(world):
    article = services.article_create(
        by=world.alice, kind="faq", title="Poplatek za psa", body="200 Kč.", region=world.region
    )
    services.article_submit(article=article, by=world.alice)
    before = snapshot(article)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=world.alice)
    assert snapshot(article) == before
    assert snapshot(article)[0] == "in_review"


def test_a_centre_agent_cannot_publish_even_for_their_own_centre(world):
    article = services.article_create(
        by=world.alice, kind="faq", title="Parkování u úřadu", body="Zdarma.",
        centre=world.centre_a,
    )  # fmt: skip
    before = snapshot(article)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=world.alice)
    assert snapshot(article) == before


def test_a_centre_knowledge_editor_publishes_centre_articles_not_region_ones(world, frank):
    local = services.article_create(
        by=frank, kind="faq", title="Parkování u úřadu", body="Zdarma.", centre=world.centre_a
    )
    services.article_publish(article=local, by=frank)
    assert local.is_live

    regional = services.article_create(
        by=frank, kind="faq", title="Krajské dotace", body="Viz web kraje.", region=world.region
    )
    before = snapshot(regional)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=regional, by=frank)
    assert snapshot(regional) == before


def test_the_regional_centres_knowledge_editor_publishes_region_wide(world, grace):
    article = services.article_create(
        by=world.alice, kind="faq", title="Krajské dotace", body="Viz web kraje.",
        region=world.region,
    )  # fmt: skip
    services.article_publish(article=article, by=grace)
    assert article.is_live


@pytest.mark.parametrize("persona", ["bob", "dave", "erin"])
def test_others_cannot_write_a_centre_a_article(world, persona):
    article = services.article_create(
        by=world.carol, kind="faq", title="Parkování", body="Zdarma.", centre=world.centre_a
    )
    user = getattr(world, persona)
    before = snapshot(article)
    with pytest.raises(PermissionDenied):
        services.article_edit(article=article, by=user, title="Hacked", body="x")
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=user)
    with pytest.raises(PermissionDenied):
        services.article_archive(article=article, by=user)
    assert snapshot(article) == before


def test_an_agent_may_not_write_for_another_region_or_every_region(world):
    with pytest.raises(PermissionDenied):
        services.article_create(
            by=world.alice, kind="faq", title="X", body="Y", region=world.other_region
        )
    with pytest.raises(PermissionDenied):
        services.article_create(by=world.alice, kind="faq", title="X", body="Y")
    assert not Article.objects.exists()


def test_editing_a_live_article_keeps_the_published_text_until_it_is_published(world, id_card):
    first = id_card.published_version
    draft = services.article_edit(
        article=id_card, by=world.carol, title="Občanský průkaz", body="Nový text.", note="Oprava"
    )
    id_card.refresh_from_db()
    assert draft.number == 2
    assert draft.note == "Oprava"
    assert id_card.state == "draft"
    assert id_card.published_version == first  # readers still see version 1
    assert services.pending_drafts(id_card) == {"cs": draft}

    services.article_publish(article=id_card, by=world.carol)
    id_card.refresh_from_db()
    assert id_card.published_version == draft
    assert services.pending_drafts(id_card) == {}


def test_saving_the_same_text_makes_no_version(world, id_card):
    version = id_card.published_version
    again = services.article_edit(
        article=id_card, by=world.carol, title=version.title, summary=version.summary,
        body=version.body, sections=version.sections,
    )  # fmt: skip
    assert again is None
    id_card.refresh_from_db()
    assert id_card.state == "published"
    assert id_card.versions.count() == 1


def test_versions_are_immutable(world, id_card):
    version = id_card.published_version
    version.title = "Změněno"
    with pytest.raises(RuntimeError):
        version.save()
    assert ArticleVersion.objects.get(pk=version.pk).title == "Občanský průkaz"


def test_an_agent_may_not_widen_the_audience_of_a_live_article(world, staff_note):
    before = snapshot(staff_note)
    with pytest.raises(PermissionDenied):
        services.article_edit(
            article=staff_note, by=world.alice, title=staff_note.published_version.title,
            body="Interní.", audience="public",
        )  # fmt: skip
    assert snapshot(staff_note) == before
    staff_note.refresh_from_db()
    assert staff_note.audience == "staff"


def test_archive_takes_the_article_from_readers_and_search(world, id_card):
    services.article_archive(article=id_card, by=world.carol, note="Neplatné")
    id_card.refresh_from_db()
    assert id_card.state == "archived"
    assert not id_card.is_live
    assert not SearchEntry.objects.filter(article=id_card).exists()
    assert not selectors.articles_for(world.carol).filter(pk=id_card.pk).exists()
    event = AuditEvent.objects.get(action="knowledge.archive")
    assert event.details["note"] == "Neplatné"
    with pytest.raises(InvalidTransition):
        services.article_archive(article=id_card, by=world.carol)


def test_restore_makes_a_new_draft_from_an_old_version(world, id_card):
    old = id_card.published_version
    services.article_edit(article=id_card, by=world.carol, title="Průkaz", body="Jiný text.")
    services.article_publish(article=id_card, by=world.carol)

    restored = services.article_restore(article=id_card, version=old, by=world.alice)
    id_card.refresh_from_db()
    assert restored.number == 3
    assert restored.content() == old.content()
    assert restored.author == world.alice
    assert restored.note == "Obnoveno z verze 1."
    assert id_card.state == "draft"
    assert id_card.published_version.number == 2  # live text unchanged until published
    event = AuditEvent.objects.get(action="knowledge.restore")
    assert event.details == {"from": 1, "to": 3}

    services.article_publish(article=id_card, by=world.carol)
    id_card.refresh_from_db()
    assert id_card.published_version == restored


def test_restoring_an_archived_article_needs_publishing_again(world, id_card):
    old = id_card.published_version
    services.article_archive(article=id_card, by=world.carol)
    services.article_restore(article=id_card, version=old, by=world.carol)
    id_card.refresh_from_db()
    assert id_card.state == "draft"
    assert not id_card.is_live
    services.article_publish(article=id_card, by=world.carol)
    id_card.refresh_from_db()
    assert id_card.is_live


def test_only_a_draft_is_submitted_and_only_a_draft_is_published(world, id_card):
    with pytest.raises(InvalidTransition):
        services.article_submit(article=id_card, by=world.carol)
    with pytest.raises(InvalidTransition):
        services.article_publish(article=id_card, by=world.carol)


def test_an_english_translation_is_published_beside_the_czech_text(world, id_card):
    services.article_edit(
        article=id_card, by=world.carol, language="en", title="Identity card",
        body="Apply at any municipal office.",
    )  # fmt: skip
    services.article_publish(article=id_card, by=world.carol)
    id_card.refresh_from_db()
    assert id_card.published_version.language == "cs"
    assert id_card.published_version_en.title == "Identity card"
    assert selectors.reader_version(id_card, "en").title == "Identity card"
    assert selectors.reader_version(id_card, "cs").title == "Občanský průkaz"
    hits = selectors.article_search(query="identity card", viewer=world.alice, language="en")
    assert [hit.version.title for hit in hits] == ["Identity card"]


def test_lapsed_and_due_articles_are_listed_for_the_coordinator(world, id_card, staff_note):
    import datetime as dt

    from vik.core import clock

    today = clock.today()
    Article.objects.filter(pk=id_card.pk).update(review_by=today - dt.timedelta(days=1))
    Article.objects.filter(pk=staff_note.pk).update(review_by=today + dt.timedelta(days=10))
    assert selectors.articles_lapsed(user=world.carol) == [id_card]
    assert selectors.articles_due_for_review(user=world.carol) == [staff_note]
    # Bob neither reviews region articles nor owns these.
    assert selectors.articles_lapsed(user=world.bob) == []
    assert selectors.articles_lapsed(user=world.dave) == []


@pytest.mark.parametrize(
    ("persona", "readable"),
    [
        ("citizen", {"public"}),
        ("alice", {"public", "every_region", "staff", "staff_a"}),
        ("bob", {"public", "every_region", "staff"}),
        ("carol", {"public", "every_region", "staff", "staff_a", "coordinators"}),
        ("erin", {"public", "every_region", "staff", "staff_a", "coordinators"}),
        ("dave", {"public", "every_region"}),
    ],
)
def test_who_reads_which_audience_and_scope(world, persona, readable):
    made = {
        "public": publish(title="Veřejný", body="…", region=world.region),
        "every_region": publish(title="Pro všechny kraje", body="…", audience="staff"),
        "staff": publish(title="Interní", body="…", audience="staff", region=world.region),
        "staff_a": publish(title="Jihlava", body="…", audience="staff", centre=world.centre_a),
        "coordinators": publish(
            title="Koordinace", body="…", audience="coordinators", region=world.region
        ),
    }
    user = AnonymousUser() if persona == "citizen" else getattr(world, persona)
    visible = set(
        Article.objects.filter(permissions.articles_readable(user)).values_list("pk", flat=True)
    )
    assert {name for name, article in made.items() if article.pk in visible} == readable

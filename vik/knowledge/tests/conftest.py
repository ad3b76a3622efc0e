"""Articles for the knowledge tests, written and published through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from vik.knowledge import services
from vik.knowledge.embeddings import vector_cache
from vik.knowledge.models import Article
from vik.knowledge.vocabulary import vocabulary_cache
from vik.tenancy.choices import Role
from vik.tenancy.models import Membership, User
from vik.testing.fixtures import run_on_commit
from vik.topics.models import Topic


@pytest.fixture(autouse=True)
def _czech() -> Any:
    """Services called outside a request speak the active language: Czech, as VIK's default
    (another test in the same worker may have left English active)."""
    with translation.override("cs"):
        yield


@pytest.fixture(autouse=True)
def _fresh_vectors() -> Any:
    """Each test's database starts afresh; so does the in-process matrix of vectors."""
    vector_cache.clear()
    vocabulary_cache.clear()
    yield
    vector_cache.clear()
    vocabulary_cache.clear()


@pytest.fixture(autouse=True)
def _four_eyes_off(settings: Any) -> None:
    """Most workflow tests here predate the four-eyes rule and let a reviewer publish what
    they wrote; the rule itself (on by default) is tested in test_review_return.py, which
    switches it back on."""
    settings.VIK_KNOWLEDGE_FOUR_EYES = False


def publish(by: User | None = None, **fields: Any) -> Article:
    """Create an article and publish it at once (by VIK itself unless `by` is given); the
    embedding task runs as after a commit (the immediate backend of the tests)."""
    fields.setdefault("kind", "faq")
    article = services.article_create(by=by, **fields)
    with run_on_commit():
        return services.article_publish(article=article, by=by)


@pytest.fixture
def id_card(world) -> Article:
    """The region's public life situation about identity cards."""
    return publish(
        kind="life_situation",
        title="Občanský průkaz",
        summary="Jak požádat o nový občanský průkaz a kolik to stojí.",
        body="Žádost podáte na kterémkoli obecním úřadě obce s rozšířenou působností.",
        sections={
            "fees": "Vydání nového průkazu je zdarma; **expresní** vydání stojí 500 Kč.",
            "documents": "Dosavadní průkaz a rodný list.",
        },
        region=world.region,
        topic=Topic.objects.get(slug="documents-id-card"),
    )


@pytest.fixture
def staff_note(world) -> Article:
    """An internal methodology: staff only."""
    return publish(
        kind="methodology",
        title="Postup při ztrátě občanského průkazu na přepážce",
        body="Interní postup: ověřte totožnost žadatele a zapište ztrátu do evidence.",
        audience="staff",
        region=world.region,
    )


@pytest.fixture
def frank(world) -> User:
    """Frank is the knowledge editor of centre A (Jihlava)."""
    user = User.objects.create_user(username="frank", password="x", first_name="Frank")
    Membership.objects.create(
        user=user, region=world.region, centre=world.centre_a, role=Role.KNOWLEDGE_EDITOR
    )
    return user


@pytest.fixture
def grace(world) -> User:
    """Grace is the knowledge editor of the regional centre: the region's editor."""
    user = User.objects.create_user(username="grace", password="x", first_name="Grace")
    Membership.objects.create(
        user=user, region=world.region, centre=world.regional_centre, role=Role.KNOWLEDGE_EDITOR
    )
    return user

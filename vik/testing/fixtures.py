"""The reference data a test database holds, each test's clean slate, and small helpers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from pytest_django.plugin import blocking_manager_key

from vik.core.memo import forget_lasting
from vik.core.tasks import forget_deferred
from vik.core.templatetags.kept_fragments import forget_kept_fragments
from vik.territory.models import Municipality
from vik.territory.services import territory_load
from vik.topics.services import topics_seed


def ensure_reference_data() -> None:
    """The country's territory and the topics: loaded once per test database."""
    if not Municipality.objects.exists():
        territory_load()
    topics_seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        ensure_reference_data()


def _flushes_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or fixtures & {"live_server", "transactional_db"}
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Reload the territory and topics after a transactional test flushed the database: the
    tests that run after it in the same worker expect the data the session loaded once."""
    result = yield
    if _flushes_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
    return result


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (e.g. the list's view counts are cached per user
    id, and ids repeat from test to test)."""
    cache.clear()
    forget_lasting()  # and so does the configuration a worker keeps across batches
    forget_deferred()  # and the gathering tasks of a rolled-back test are gone
    forget_kept_fragments()  # and the navigation kept per user (ids repeat)


def run_on_commit() -> Any:
    """Run on-commit callbacks (task enqueues) inside a test transaction, as a commit would."""
    if connection.in_atomic_block:
        return TestCase.captureOnCommitCallbacks(execute=True)
    return contextlib.nullcontext()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)

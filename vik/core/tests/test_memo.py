"""Saving a row forgets the remembered configuration only when its app or model said it is
configuration (`forget_on_change_of`)."""

import pytest

from vik.core import clock, memo
from vik.core.memo import batch_memo, forget_on_change_of, remembered
from vik.core.models import WorkerHeartbeat


@pytest.fixture
def nothing_is_configuration(monkeypatch, settings):
    settings.VIK_CONFIG_MEMO_SECONDS = 3600
    monkeypatch.setattr(memo, "_configuration", set())


def answer_in_a_new_batch(answer):
    with batch_memo():
        return remembered("the question", lambda: answer, lasting=True)


def save_a_heartbeat():
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=clock.now(), beat_at=clock.now())


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["core", "core.workerheartbeat"])
def test_a_save_forgets_once_its_app_or_model_is_configuration(nothing_is_configuration, label):
    assert answer_in_a_new_batch("old") == "old"
    save_a_heartbeat()
    assert answer_in_a_new_batch("new") == "old"  # not configuration: kept
    forget_on_change_of(label)
    WorkerHeartbeat.objects.update(beat_at=clock.now())  # an update sends no signal
    assert answer_in_a_new_batch("new") == "old"
    WorkerHeartbeat.objects.get().save()
    assert answer_in_a_new_batch("new") == "new"


def test_the_configuration_apps_say_so_themselves():
    assert memo._configuration == {
        "routing",
        "sla",
        "tenancy",
        "territory",
        "topics",
        "channels.channelaccount",
        "conversations.tag",  # the request list's tag drop-down (vik.workspace)
        "knowledge.synonym",  # the editors' search synonyms, read by every search
        "phone_channel.blockednumber",
        "phone_channel.ctitoken",
        "phone_channel.staffphone",
    }

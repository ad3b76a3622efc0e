"""A worker keeps the configuration it read across batches for a few seconds, never longer,
and forgets it at once when its own process changes the configuration."""

import pytest

from vik.core.memo import batch_memo
from vik.routing.models import RoutingRule
from vik.routing.services import routing_decide
from vik.routing.tests.conftest import make_facts, make_rule


def tags_in_a_new_batch(world):
    with batch_memo():
        return routing_decide(make_facts(world, subject="Hluk v noci")).tags


@pytest.fixture
def noise_rule(world):
    return make_rule(world, conditions={"keywords": ["hluk"]}, actions={"tags": ["hluk"]})


def test_a_rule_changed_elsewhere_counts_once_the_seconds_have_passed(
    world, noise_rule, settings, monkeypatch
):
    settings.VIK_CONFIG_MEMO_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr("vik.core.memo.time.monotonic", lambda: now[0])
    assert tags_in_a_new_batch(world) == ["hluk"]
    # Another process (the web server) changes the rule: this process hears no signal.
    RoutingRule.objects.filter(pk=noise_rule.pk).update(actions={"tags": ["noc"]})
    now[0] += 4
    assert tags_in_a_new_batch(world) == ["hluk"]  # kept: a batch 4 s later
    now[0] += 2
    assert tags_in_a_new_batch(world) == ["noc"]  # 6 s later: read again


def test_a_change_in_this_process_counts_at_once(world, noise_rule, settings):
    settings.VIK_CONFIG_MEMO_SECONDS = 3600
    assert tags_in_a_new_batch(world) == ["hluk"]
    noise_rule.actions = {"tags": ["noc"]}
    noise_rule.save()
    assert tags_in_a_new_batch(world) == ["noc"]
    noise_rule.delete()
    assert tags_in_a_new_batch(world) == []


def test_zero_seconds_reads_the_configuration_for_every_batch(world, noise_rule, settings):
    settings.VIK_CONFIG_MEMO_SECONDS = 0
    assert tags_in_a_new_batch(world) == ["hluk"]
    RoutingRule.objects.filter(pk=noise_rule.pk).update(actions={"tags": ["noc"]})
    assert tags_in_a_new_batch(world) == ["noc"]


def test_outside_a_batch_nothing_is_kept(world, noise_rule, settings):
    settings.VIK_CONFIG_MEMO_SECONDS = 3600
    assert routing_decide(make_facts(world, subject="Hluk")).tags == ["hluk"]
    RoutingRule.objects.filter(pk=noise_rule.pk).update(actions={"tags": ["noc"]})
    assert routing_decide(make_facts(world, subject="Hluk")).tags == ["noc"]

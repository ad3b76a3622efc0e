"""The rate-limit mechanism itself: rates from the settings, windows, the wait in Czech."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from vik.abuse.checks import abuse_settings_check
from vik.abuse.ratelimit import Rate, Verdict, limit_hit, rate_for, rate_parse
from vik.core import clock


def test_rates_are_parsed_and_the_setting_replaces_only_the_scopes_it_names(settings):
    assert rate_parse("20/10m") == Rate(count=20, seconds=600)
    assert rate_parse(" 5 / h ") == Rate(count=5, seconds=3600)
    settings.VIK_RATE_LIMITS = "form=20/10m, search=100/s"
    assert rate_for("form") == Rate(20, 600)
    assert rate_for("search") == Rate(100, 1)
    assert rate_for("feedback") == Rate(30, 600)  # the default
    for wrong in ("form=20", "form=many/h", "form"):
        settings.VIK_RATE_LIMITS = wrong
        with pytest.raises(ImproperlyConfigured):
            rate_for("form")


def test_a_window_refuses_past_the_count_and_the_next_window_starts_again(settings):
    settings.VIK_RATE_LIMITS = "form=2/m"
    start = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)
    with clock.travel(start):
        assert [limit_hit("form", "192.0.2.1").refused for _n in range(3)] == [False, False, True]
        assert limit_hit("form", "192.0.2.1").retry_after == 50
        assert limit_hit("form", "192.0.2.2").refused is False  # another key, its own count
    with clock.travel(start + dt.timedelta(seconds=50)):
        assert limit_hit("form", "192.0.2.1").refused is False


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 sekundu"), (3, "3 sekundy"), (45, "45 sekund"), (61, "2 minuty"), (600, "10 minut")],
)
def test_the_wait_is_said_in_czech(seconds, text):
    with translation.override("cs"):
        assert Verdict(refused=True, retry_after=seconds).wait_text == text


def test_a_typo_in_the_settings_is_an_error_of_vik_check(settings):
    assert abuse_settings_check() == []
    settings.VIK_ALTCHA_MODE = "allways"
    settings.VIK_RATE_LIMITS = "form=ten/m"
    assert [error.id for error in abuse_settings_check()] == ["vik.abuse.E001", "vik.abuse.E002"]

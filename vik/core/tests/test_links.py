"""The cached reversal gives what Django's `reverse` gives."""

from django.test import override_settings
from django.urls import reverse

from vik.core.links import absolute_path_with, path_of, path_with


def test_a_path_with_an_argument_is_what_reverse_makes():
    for argument in ("VYS-2026-000123", "Ab_9-xY", "mezera a háček"):
        assert path_with("portal:tracking", argument) == reverse("portal:tracking", args=[argument])
    assert path_of("staff:notification_settings") == reverse("staff:notification_settings")


@override_settings(SITE_URL="https://info.kr-vysocina.example")
def test_the_absolute_address_starts_with_the_site():
    assert absolute_path_with("portal:tracking", "abc") == (
        "https://info.kr-vysocina.example" + reverse("portal:tracking", args=["abc"])
    )

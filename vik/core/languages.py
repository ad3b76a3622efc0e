"""Languages by name: "en" → "angličtina" (a code list a clerk meets in rules and requests)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

LANGUAGE_NAMES: dict[str, Promise] = {
    "cs": pgettext_lazy("language", "Czech"),
    "sk": pgettext_lazy("language", "Slovak"),
    "en": pgettext_lazy("language", "English"),
    "de": pgettext_lazy("language", "German"),
    "uk": pgettext_lazy("language", "Ukrainian"),
    "ru": pgettext_lazy("language", "Russian"),
    "pl": pgettext_lazy("language", "Polish"),
    "vi": pgettext_lazy("language", "Vietnamese"),
    "fr": pgettext_lazy("language", "French"),
    "es": pgettext_lazy("language", "Spanish"),
    "it": pgettext_lazy("language", "Italian"),
    "hu": pgettext_lazy("language", "Hungarian"),
    "ro": pgettext_lazy("language", "Romanian"),
}


def language_name(code: str) -> str:
    """The language's name in the current language; an unknown code as it is."""
    name = LANGUAGE_NAMES.get(code.lower())
    return str(name) if name is not None else code

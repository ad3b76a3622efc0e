"""A clerk's reply, written in Markdown, as sanitised HTML: for the composer's preview, the
staff timeline, the citizen's tracking page and the HTML part of the e-mail, so that the citizen
reads what the clerk previewed. Raw HTML in the text stays text, and the result goes through
the sanitiser all the same (`vik.core.text.sanitize_html`)."""

from __future__ import annotations

import re

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from vik.core.text import sanitize_html

# A line break in the text is a line break in the reply (as the e-mail shows it).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})

# A bare web address (not already a Markdown link's text or target, nor an <autolink>) becomes
# an autolink, so that it is clickable as it was in the plain text; the trailing punctuation of
# the sentence stays outside.
_BARE_URL = re.compile(r"(?<![<\[(])(?<!\]\()\bhttps?://[^\s<>\[\]()]*[^\s<>\[\]().,;:!?'\"]")


def _no_images(src: str) -> str | None:
    """A reply carries files as attachments, never images from elsewhere."""
    return None


def reply_html(text: str) -> SafeString:
    if not text.strip():
        return mark_safe("")
    source = _BARE_URL.sub(lambda match: f"<{match.group(0)}>", text)
    return mark_safe(sanitize_html(_MARKDOWN.render(source), image_source=_no_images))  # noqa: S308 — sanitised

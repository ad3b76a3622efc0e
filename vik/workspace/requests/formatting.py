"""A reply's Markdown as HTML, for the preview and the timeline: raw HTML in the text stays
text, and the result goes through the sanitiser all the same (`vik.core.text.sanitize_html`)."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from vik.core.text import sanitize_html

# A line break in the text is a line break in the reply (as the e-mail shows it).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})


def _no_images(src: str) -> str | None:
    """A reply carries files as attachments, never images from elsewhere."""
    return None


def reply_html(text: str) -> SafeString:
    if not text.strip():
        return mark_safe("")
    return mark_safe(sanitize_html(_MARKDOWN.render(text), image_source=_no_images))  # noqa: S308 — sanitised

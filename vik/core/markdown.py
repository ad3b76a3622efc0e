"""A clerk's reply, written in Markdown, as sanitised HTML: for the composer's preview, the
staff timeline, the citizen's tracking page and the HTML part of the e-mail, so that the citizen
reads what the clerk previewed. Raw HTML in the text stays text, and the result goes through
the sanitiser all the same (`vik.core.text.sanitize_html`)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class _PlainText(HTMLParser):
    """The sanitised HTML of `reply_html` as the plain text a fax page or a printout shows:
    paragraphs apart, list items with a bullet or their number, a link's address after its
    text, no markup characters."""

    BLOCKS = frozenset({"p", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self.href: list[str | None] = []
        self.link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._break(2)
        if tag == "ul":
            self.lists.append([])
        elif tag == "ol":
            start = dict(attrs).get("start") or "1"
            self.lists.append([int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._break(1)
            counter = self.lists[-1] if self.lists else []
            indent = "  " * max(len(self.lists) - 1, 0)
            if counter:
                self.parts.append(f"{indent}{counter[0]}. ")
                counter[0] += 1
            else:
                self.parts.append(f"{indent}• ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.link_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in self.BLOCKS:
            self._break(2)
        elif tag == "a" and self.href:
            href, text = self.href.pop(), self.link_text.pop()
            if href and href.removeprefix("mailto:") != text.strip():
                self.parts.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self.link_text:
            self.link_text[-1] += data

    def _break(self, lines: int) -> None:
        text = "".join(self.parts)
        if not text:
            return
        have = len(text) - len(text.rstrip("\n"))
        if have < lines:
            self.parts.append("\n" * (lines - have))

    def text(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "".join(self.parts)).strip()


def reply_plain(text: str) -> str:
    """A clerk's Markdown reply as plain text without markup (`**`, `[..](..)`, `#`): for a
    channel that prints text as it is, such as a fax page."""
    if not text.strip():
        return ""
    parser = _PlainText()
    parser.feed(str(reply_html(text)))
    parser.close()
    return parser.text()

"""Czech-aware text helpers: folding for search, safe HTML for display."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from html import escape as html_escape

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},  # never srcset: one address to decide about
    "td": {"colspan", "rowspan"},
    "th": {"colspan"},
}
REMOTE_SCHEMES = frozenset({"http", "https"})
# Decides one <img src>: gets the value, returns the value to keep or None to drop it.
ImageSource = Callable[[str], str | None]

_DIMENSION = re.compile(r"[0-9]{1,4}%?")
# nh3's output quotes every attribute value with " and escapes " < > inside it, so an <img>
# tag ends at the first > and an attribute is name="value".
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_IMG_ALT = re.compile(r'\salt="([^"]*)"')


def fold(text: str) -> str:
    """Lower-case and strip diacritics: 'Žďár nad Sázavou' -> 'zdar nad sazavou'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def mask_address(address: str) -> str:
    """An e-mail address fit for a log line at INFO: 'jan.novak@example.cz' -> 'j***@example.cz'
    (the domain says which mailbox or provider, the person stays out of the log)."""
    local, at, domain = address.strip().strip("<>").rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def url_scheme(url: str) -> str:
    """'HTTPS://x' -> 'https'; a relative address has none ('')."""
    head, colon, _rest = url.strip().partition(":")
    return head.lower() if colon and head.isascii() and head.isalpha() else ""


def stored_image_source(src: str) -> str | None:
    """What is stored: remote (http, https) and inline (cid:) images, not loaded yet; no data:
    and no relative addresses (which would make the workspace fetch its own URLs)."""
    return src if url_scheme(src) in REMOTE_SCHEMES | {"cid"} else None


def sanitize_html(html: str, *, image_source: ImageSource = stored_image_source) -> str:
    """Citizen HTML reduced to harmless markup; links never carry the referrer or open tabs.

    Images keep only src, alt, width and height; `image_source` decides each src (the default
    keeps http, https and cid addresses, for storing: see `conversations.selectors
    .interaction_formatted` for what is shown)."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return image_source(value)
        if tag == "img" and attribute in {"width", "height"}:
            return value if _DIMENSION.fullmatch(value.strip()) else None
        if tag == "a" and attribute == "href" and url_scheme(value) == "cid":
            return None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto", "tel", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def images_as_text(html: str, *, label: str) -> str:
    """Every <img> without a src in `sanitize_html`'s output becomes a visible text placeholder
    ("[image: alt]"), so that the reader knows something is missing; images with a src stay."""

    def replace(match: re.Match[str]) -> str:
        tag = match.group(0)
        if ' src="' in tag:
            return tag
        alt = _IMG_ALT.search(tag)
        text = f"{escape(label)}: {alt.group(1)}" if alt and alt.group(1).strip() else escape(label)
        return f'<span class="vik-image-placeholder">[{text}]</span>'

    return _IMG_TAG.sub(replace, html)


def subject_from_text(text: str, *, limit: int = 80) -> str:
    """A subject made of the start of a message: whole words, one line, "…" where it was cut
    ('Dobrý den, kdy mohu vyzvednout…', never 'Dobrý den, kdy mohu vyzved')."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit(" ", 1)[0] if " " in words[:limit] else words[:limit]
    return cut[:limit].rstrip(" ,.;:-–—") + "…"


def _escaped(value: object) -> str:
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else html_escape(str(value))


def html_format(template: str, *args: object) -> SafeString:
    """Django's `format_html` for loops that print thousands of values a page (the request
    list's rows, drop-downs, tabs): the same escaping (a value with `__html__` as it is,
    anything else through `html.escape` with quotes, as `django.utils.html.escape` does),
    without the lazy-argument wrapper around each escape."""
    return SafeString(template.format(*(_escaped(arg) for arg in args)))


def html_join(separator: str, template: str, rows: Iterable[Sequence[object]]) -> SafeString:
    """`format_html_join` the same way (see `html_format`)."""
    return SafeString(separator.join(html_format(template, *row) for row in rows))

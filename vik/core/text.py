"""Czech-aware text helpers: folding for search, safe HTML for display."""

from __future__ import annotations

import unicodedata

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip


def fold(text: str) -> str:
    """Lower-case and strip diacritics: 'Žďár nad Sázavou' -> 'zdar nad sazavou'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sanitize_html(html: str) -> str:
    """Citizen HTML reduced to harmless markup; links never carry the referrer or open tabs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )

"""The readable text of an HTML mail body, for the parts that come without a plain version."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    """Visible text with the line structure a reader expects; scripts and styles dropped."""

    SKIP = frozenset({"script", "style", "title", "noscript", "template"})
    BLOCK = frozenset(
        {"p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre"}
        | {"blockquote", "address", "section", "article", "header", "footer", "hr", "dl"}
        | {"dt", "dd", "form", "fieldset"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "br" or tag in self.BLOCK:
            self.out.append("\n")
        elif tag == "li":
            at_line_start = "".join(self.out[-2:]).rstrip(" ").endswith("\n")
            self.out.append("- " if at_line_start else "\n- ")
        elif tag in ("td", "th"):
            self.out.append(" ")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK or tag == "li":
            self.out.append("\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(markup: str, defects: list[str] | None = None) -> str:
    """Readable text of an HTML body: tags stripped, line breaks kept, entities unescaped."""
    if not markup.strip():
        return ""
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
        text = "".join(extractor.out)
    except Exception as exc:  # _markupbase raises AssertionError on some broken markup
        if defects is not None:
            defects.append(f"HTML not parseable ({type(exc).__name__}); tags stripped crudely")
        text = html.unescape(re.sub(r"(?is)<(script|style)\b.*?</\1\s*>|<[^>]*>", " ", markup))
    lines = (" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

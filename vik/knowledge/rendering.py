"""Article text for display: Markdown to safe HTML, plain text, and comparing two versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from vik.core.text import REMOTE_SCHEMES, sanitize_html, url_scheme

from .choices import LIFE_SITUATION_SECTIONS

# Raw HTML in Markdown is shown as text, never as markup; sanitize_html then checks the result
# all the same (links, images), so a bug in either one alone does not open a hole.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def article_image_source(src: str) -> str | None:
    """Images of an article: remote ones (blocked by the page's policy unless allowed) and VIK's
    own files (an absolute path); never data: or a scheme-relative address."""
    if url_scheme(src) in REMOTE_SCHEMES:
        return src
    if src.startswith("/") and not src.startswith("//"):
        return src
    return None


def markdown_html(text: str) -> SafeString:
    if not text.strip():
        return mark_safe("")
    html = sanitize_html(_MARKDOWN.render(text), image_source=article_image_source)
    return mark_safe(html)  # noqa: S308 — sanitised just above


def markdown_text(text: str) -> str:
    """The words of a Markdown text without its markup, one block per line."""
    lines: list[str] = []
    for token in _MARKDOWN.parse(text):
        if token.type == "inline":
            parts = [
                child.content if child.type in {"text", "code_inline"} else " "
                for child in token.children or []
                if child.type in {"text", "code_inline", "softbreak", "hardbreak"}
            ]
            lines.append("".join(parts).strip())
        elif token.type in {"code_block", "fence"}:
            lines.append(token.content.strip())
    return "\n".join(line for line in lines if line)


def version_plain_text(content: dict[str, Any]) -> str:
    """Summary, question, body and sections of a version as plain text, in reading order."""
    sections = content.get("sections") or {}
    parts = [content.get("summary", ""), content.get("question", ""), content.get("body", "")]
    parts += [sections.get(key, "") for key, _label in LIFE_SITUATION_SECTIONS]
    return "\n".join(markdown_text(part) for part in parts if part and part.strip())


def version_reply_text(content: dict[str, Any], *, is_faq: bool) -> str:
    """A version's text for a clerk's reply: the title and the text; a frequently asked
    question's answer alone (the citizen asked the question: it is not repeated)."""
    if not is_faq:
        return f"{content.get('title', '')}\n{version_plain_text(content)}".strip()
    sections = content.get("sections") or {}
    parts = [content.get("body", "")]
    parts += [sections.get(key, "") for key, _label in LIFE_SITUATION_SECTIONS]
    answer = "\n".join(markdown_text(part) for part in parts if part and part.strip())
    return answer or version_plain_text(content)


# Comparing versions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "equal", "changed", "removed", "added"
    left_number: int | None
    left: str
    right_number: int | None
    right: str


def version_lines(content: dict[str, Any]) -> list[str]:
    """A version as lines of text, every part under a heading, for a side-by-side comparison."""
    lines = [f"# {content.get('title', '')}"]
    sections = content.get("sections") or {}
    named: list[tuple[str, str]] = [
        (_("Summary"), content.get("summary", "")),
        (_("Question"), content.get("question", "")),
        (_("Text"), content.get("body", "")),
        *[(str(label), sections.get(key, "")) for key, label in LIFE_SITUATION_SECTIONS],
    ]
    for label, text in named:
        if text and text.strip():
            lines.append(f"[{label}]")
            lines.extend(text.strip().splitlines())
    phrasings = content.get("questions") or []
    if phrasings:
        lines.append(f"[{_('How people ask')}]")
        lines.extend(phrasings)
    return lines


def diff_rows(old: list[str], new: list[str]) -> list[DiffRow]:
    """Line by line, as difflib's SequenceMatcher aligns them; the template escapes the text."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(old_end - old_start):
                i, j = old_start + offset, new_start + offset
                rows.append(DiffRow("equal", i + 1, old[i], j + 1, new[j]))
            continue
        span = max(old_end - old_start, new_end - new_start)
        for offset in range(span):
            i, j = old_start + offset, new_start + offset
            has_old, has_new = i < old_end, j < new_end
            kind = "changed" if has_old and has_new else "removed" if has_old else "added"
            rows.append(
                DiffRow(
                    kind,
                    i + 1 if has_old else None,
                    old[i] if has_old else "",
                    j + 1 if has_new else None,
                    new[j] if has_new else "",
                )
            )
    return rows

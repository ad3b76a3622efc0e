"""`{{ text|linked }}`: plain text with its web addresses as links, sanitised (the links never
carry the referrer or open a window: rel="noopener noreferrer nofollow");
`{{ text|reply_markdown }}`: a clerk's reply, written in Markdown, as sanitised HTML
(`vik.core.markdown`)."""

from __future__ import annotations

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

from vik.core.markdown import reply_html
from vik.core.text import sanitize_html

register = template.Library()


@register.filter
def linked(text: str) -> SafeString:
    html = sanitize_html(urlize(text or "", autoescape=True))
    return mark_safe(html)  # noqa: S308 — sanitised just above


@register.filter
def reply_markdown(text: str) -> SafeString:
    return reply_html(text or "")

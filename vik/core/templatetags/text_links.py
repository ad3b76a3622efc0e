"""`{{ text|linked }}`: plain text with its web addresses as links, sanitised (the links never
carry the referrer or open a window: rel="noopener noreferrer nofollow")."""

from __future__ import annotations

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

from vik.core.text import sanitize_html

register = template.Library()


@register.filter
def linked(text: str) -> SafeString:
    html = sanitize_html(urlize(text or "", autoescape=True))
    return mark_safe(html)  # noqa: S308 — sanitised just above

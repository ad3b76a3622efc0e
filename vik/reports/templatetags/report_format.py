"""Report values in Czech notation in templates: `{{ value|report_minutes }}` ("2 h 15 min"),
`{{ value|report_percent }}` ("87 %"), `{{ value|report_count }}` ("1 234"),
`{{ value|report_value:"minutes" }}` by a column's kind."""

from __future__ import annotations

from typing import Any

from django import template

from ..formatting import format_count, format_minutes, format_percent, format_value

register = template.Library()


@register.filter
def report_minutes(value: Any) -> str:
    return format_minutes(value)


@register.filter
def report_percent(value: Any) -> str:
    return format_percent(value)


@register.filter
def report_count(value: Any) -> str:
    return format_count(value)


@register.filter
def report_value(value: Any, kind: str) -> str:
    return format_value(value, kind)

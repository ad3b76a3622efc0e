"""The list's tabs (its views: built-in and saved, 54 at a time at a million requests), printed
in Python once per page: through the template, each tab's name, key, comparison and the
"shared" note were context lookups and tag renders (bench/list_views.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from vik.core.text import html_format, html_join

from .selectors import ListView


def view_tabs_html(views: Sequence[ListView], active: ListView | None) -> SafeString:
    """One `<li>` per view; its count arrives after the page into the empty tag
    (workspace/saved_view_counts.html)."""
    shared = html_format('<span class="vik-sr">{}</span>', _("shared"))
    active_key = active.key if active is not None else None
    return html_join(
        "\n",
        '<li>\n<a href="?view={}" data-testid="view-{}"{}>\n{}\n'
        '<span class="vik-tag" id="view-count-{}" data-testid="view-count"></span>\n</a>\n'
        "{}\n</li>",
        (
            (
                view.key,
                view.key,
                SafeString(' aria-current="page"') if view.key == active_key else "",
                view.name,
                view.key,
                shared if view.saved is not None and view.saved.owner_id is None else "",
            )
            for view in views
        ),
    )

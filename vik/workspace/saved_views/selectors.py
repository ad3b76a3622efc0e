"""Reading the request list's views (built-in and saved) and their counts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vik.conversations.selectors import request_filters_from_params, request_ids_capped
from vik.core.memo import configured
from vik.tenancy import permissions
from vik.tenancy.models import InformationCentre
from vik.territory.models import Region

from .. import kept
from ..models import SavedView

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser

# A count stops at this many requests ("999+"): counting a view never reads more rows than this,
# however many requests the region has.
COUNT_CAP = 1000
# Counts go to the database in statements of this many views (one round trip each).
COUNTS_PER_STATEMENT = 50


@dataclass(frozen=True)
class ListView:
    """One view of the request list: a built-in one (key "mine", "unassigned", "due_today",
    "all") or a saved one (key: its id)."""

    key: int | str
    name: str | Promise
    params: dict[str, str] = field(default_factory=dict)
    sort: str = "received"
    saved: SavedView | None = None

    @property
    def is_built_in(self) -> bool:
        return self.saved is None

    @property
    def query(self) -> str:
        return f"view={self.key}"


BUILT_IN_VIEWS: tuple[ListView, ...] = (
    ListView("mine", _("My requests"), {"assignee": "me", "status": "active"}, sort="due"),
    ListView(
        "unassigned",
        _("Unassigned in my centre"),
        {"assignee": "none", "my_centres": "1", "status": "active"},
        sort="due",
    ),
    ListView("due_today", _("Due today"), {"due": "today", "status": "active"}, sort="due"),
    ListView("all", _("All")),
)


def saved_views_for(user: StaffUser) -> QuerySet[SavedView]:
    """The saved views the user has: their own and those shared with their centres/regions."""
    return SavedView.objects.filter(permissions.saved_views_visible(user)).select_related(
        "centre", "region"
    )


def _as_list_view(view: SavedView) -> ListView:
    params = {str(k): str(v) for k, v in (view.filters or {}).items()}
    return ListView(view.pk, view.name, params, sort=view.sort, saved=view)


def _saved_views_kept(user: StaffUser) -> list[SavedView]:
    """The saved views the user sees, kept in the cache by user and scope (`..kept`: any
    change of a saved view forgets them; a new membership is a new key)."""
    scope = hashlib.sha256(repr(permissions.scope_for(user).key).encode()).hexdigest()[:24]
    key = f"vik:saved-views:{kept.token(kept.VIEWS_TOKEN_KEY)}:{user.pk}:{scope}"
    views = cache.get(key)
    if views is None:
        views = list(SavedView.objects.filter(permissions.saved_views_visible(user)))
        cache.set(key, views, kept.KEPT_SECONDS)
    return views  # type: ignore[no-any-return]


def list_views_for(user: StaffUser) -> list[ListView]:
    """The built-in views, then the user's saved views (kept in the cache; one query when not
    kept)."""
    return [*BUILT_IN_VIEWS, *(_as_list_view(view) for view in _saved_views_kept(user))]


def list_view_find(views: Sequence[ListView], key: str) -> ListView | None:
    """The view named by the list's `?view=` parameter among the user's views."""
    return next((view for view in views if key and str(view.key) == key), None)


def saved_view_get_changeable(*, user: StaffUser, pk: int) -> SavedView | None:
    """A saved view the user may rename or delete."""
    view = saved_views_for(user).filter(pk=pk).first()
    if view is None or not permissions.can_change_view(user, view):
        return None
    return view


def _view_params(view: ListView | SavedView) -> dict[str, str]:
    if isinstance(view, SavedView):
        return {str(k): str(v) for k, v in (view.filters or {}).items()}
    return view.params


def _view_key(view: ListView | SavedView) -> int | str:
    return view.pk if isinstance(view, SavedView) else view.key


def saved_view_counts(
    *, user: StaffUser, views: Iterable[ListView | SavedView], cap: int = COUNT_CAP
) -> dict[int | str, int | None]:
    """How many requests each view holds for the user, capped at COUNT_CAP.

    Each view is one `COUNT(*)` over a `LIMIT COUNT_CAP` subquery with the same permission
    filter as the list, so a count reads at most COUNT_CAP index entries; the counts of up to
    COUNTS_PER_STATEMENT views travel in one statement. A view with a full-text filter is not
    counted (None): a substring search that matches little would read the whole table.
    """
    counts: dict[int | str, int | None] = {}
    pending: list[tuple[int | str, QuerySet[Any]]] = []
    for view in views:
        key = _view_key(view)
        filters = request_filters_from_params(_view_params(view))
        if filters.text:
            counts[key] = None
            continue
        pending.append((key, request_ids_capped(user=user, filters=filters, cap=cap)))
    for start in range(0, len(pending), COUNTS_PER_STATEMENT):
        counts.update(_capped_counts(pending[start : start + COUNTS_PER_STATEMENT], cap))
    return counts


def saved_view_counts_cached(*, user: StaffUser) -> list[tuple[ListView, int | None]]:
    """The user's views with their counts, computed at most every
    VIK_VIEW_COUNTS_CACHE_SECONDS per user: the tabs fetch them after the list has rendered,
    and a count half a minute old is what every helpdesk shows (the list is always current)."""
    views = list_views_for(user)
    key = f"vik:view-counts:{user.pk}:" + ",".join(str(_view_key(view)) for view in views)
    seconds = settings.VIK_VIEW_COUNTS_CACHE_SECONDS
    counts = cache.get(key) if seconds else None
    if counts is None:
        counts = saved_view_counts(user=user, views=views)
        if seconds:
            cache.set(key, counts, seconds)
    return [(view, counts.get(_view_key(view))) for view in views]


def _capped_counts(batch: list[tuple[int | str, QuerySet[Any]]], cap: int) -> dict[int | str, int]:
    """SELECT (SELECT COUNT(*) FROM (… LIMIT cap)), (…), … — one row, one column per view."""
    counts: dict[int | str, int] = {}
    columns: list[str] = []
    params: list[Any] = []
    keys: list[int | str] = []
    using = "default"
    for number, (key, queryset) in enumerate(batch):
        using = queryset.db
        try:
            sql, sql_params = queryset.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # the user sees nothing at all (no membership)
            counts[key] = 0
            continue
        # Django compiled `sql`; its values stay in `params`.
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{number})")  # noqa: S608
        params.extend(sql_params)
        keys.append(key)
    if columns:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            row = cursor.fetchone()
        counts.update(zip(keys, (min(int(value), cap) for value in row), strict=True))
    return counts


def view_share_choices(user: StaffUser) -> list[tuple[str, str]]:
    """Where the user may share a view: ("centre:<id>", name) and ("region:<id>", name)."""
    regions = permissions.regions_to_share_views_with(user)
    centres_filter = permissions.centres_to_share_views_with(user)
    if centres_filter == Q(pk__in=[]) and not regions:
        return []  # an agent: no query
    choices = [
        (f"centre:{centre.pk}", str(centre))
        for centre in InformationCentre.objects.filter(centres_filter).only("pk", "name")
    ]
    choices += [
        (f"region:{region.pk}", str(region))
        for region in Region.objects.filter(pk__in=regions).only("pk", "name")
    ]
    return choices


def view_share_choices_kept(user: StaffUser) -> list[tuple[str, str]]:
    """`view_share_choices` remembered per scope for VIK_CONFIG_MEMO_SECONDS in this process
    (centres and regions are configuration: a change in this process is seen at once): the
    list offers them on every page, the form that saves checks against the fresh ones."""
    key = ("vik.workspace.share_choices", permissions.scope_for(user).key, get_language())
    return configured(key, lambda: view_share_choices(user))

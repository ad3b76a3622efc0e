from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from . import permissions

if TYPE_CHECKING:
    from .types import StaffRequest

Arguments = ParamSpec("Arguments")


def staff_member_required(
    view: Callable[Concatenate[StaffRequest, Arguments], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, Arguments], HttpResponseBase]:
    """Logged-in users with at least one membership; others go to the login page or get 403.

    The view may take a `StaffRequest`: past this check `request.user` is a member of staff."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, /, *args: Arguments.args, **kwargs: Arguments.kwargs
    ) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied
        return view(cast("StaffRequest", request), *args, **kwargs)

    return wrapper

"""Who acts and who asks: the types every service, selector and permission check names its user
with, instead of `Any`.

- `StaffUser`: an authenticated member of staff (`tenancy.User`, the AUTH_USER_MODEL; citizens
  have no accounts). A service's acting user (`by`), an assignee, an agent, an owner. Where VIK
  itself may act (a management command, a sweep, routing), write `by: StaffUser | None` and say
  in the docstring what None means.
- `Viewer`: whoever is asking, signed in or not (`request.user` as Django gives it). For checks
  and read filters that answer "no" (or "the public part") to the anonymous: every permission
  check built on `permissions.scope_for`, the portal's article selectors, the audit log (which
  records an anonymous actor as "system").
- `StaffRequest`: the `HttpRequest` of a view behind `decorators.staff_member_required`, whose
  `user` is a `StaffUser`. Annotate such a view `request: StaffRequest` and pass `request.user`
  on to services as it is.

Apps below tenancy (audit, topics, territory, core) import these under `if TYPE_CHECKING:` only.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from .models import User

StaffUser: TypeAlias = User
Viewer: TypeAlias = User | AnonymousUser


class StaffRequest(HttpRequest):
    """Only a type: `staff_member_required` lets through requests of members of staff, and
    Django builds the request object; nothing instantiates this class."""

    user: StaffUser


__all__ = ["StaffRequest", "StaffUser", "Viewer"]

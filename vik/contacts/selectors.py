from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from vik.tenancy import permissions

from .models import Contact

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def contacts_for(user: StaffUser) -> QuerySet[Contact]:
    return Contact.objects.filter(permissions.contacts_visible(user)).distinct()

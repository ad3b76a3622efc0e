from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vik.tenancy import permissions

from .models import Contact


def contacts_for(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(permissions.contacts_visible(user)).distinct()

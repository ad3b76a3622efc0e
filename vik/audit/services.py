"""Writing the audit log. Services call `audit_record`; nothing writes AuditEvent directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from vik.core import network

from .models import AuditEvent

if TYPE_CHECKING:
    from vik.tenancy.types import Viewer


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address by VIK's one rule (`vik.core.network`, the proxy setting)."""
    return network.client_ip(request)


def audit_record(
    *,
    actor: Viewer | None,
    action: str,
    target: models.Model | type[models.Model],
    personal_data: bool = False,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    region_id: int | None = None,
) -> AuditEvent:
    """`actor` None or anonymous: VIK itself, or a citizen, recorded as "system".

    `target` is the object read or changed, or a model for a list of its rows (a page of
    requests, a search): the event then has no object id, and says what the list showed in
    `details`. `region_id` defaults to the object's region."""
    recorded = actor if actor is not None and actor.is_authenticated else None
    if isinstance(target, type):
        object_id = ""
    else:
        object_id = str(target.pk)
        if region_id is None:
            region_id = getattr(target, "region_id", None)
    return AuditEvent.objects.create(
        actor=recorded,
        actor_label=str(recorded.get_username()) if recorded is not None else "system",
        action=action,
        object_type=target._meta.label_lower,
        object_id=object_id,
        region_id=region_id,
        personal_data=personal_data,
        ip_address=client_ip(request),
        details=details or {},
    )

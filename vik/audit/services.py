"""Writing the audit log. Services call `audit_record`; nothing writes AuditEvent directly."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    personal_data: bool = False,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_label=str(actor.get_username()) if authenticated else "system",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        region_id=getattr(target, "region_id", None),
        personal_data=personal_data,
        ip_address=client_ip(request),
        details=details or {},
    )

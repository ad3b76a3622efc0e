"""The audit log in the admin, and the base of every admin page that shows citizens' data.

Decision (issue 14): the admin pages of contacts, requests, raw inbound payloads and outgoing
messages stay, for the operator's repairs (without them the only tool is a database shell, which
leaves no trace at all); each of their pages that shows rows writes a personal-data audit event
through `AuditedModelAdmin`, in this one place. Reading the audit log here is audited too.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse

from .models import AuditEvent
from .services import audit_record

_M = TypeVar("_M", bound=models.Model)

# What an admin list event keeps of the query string (search text, filters), each value cut.
_QUERY_LIMIT = 200


class AuditedModelAdmin(admin.ModelAdmin[_M], Generic[_M]):
    """A ModelAdmin whose list, change, history and delete pages each write one audit event:
    `admin.list` (the model, with the search text and filters) or `admin.view` (the object)."""

    audit_list_action = "admin.list"
    audit_view_action = "admin.view"
    audit_personal_data = True

    def audit_region(self, obj: _M) -> int | None:
        """The object's region for the log (who oversees it sees the event)."""
        return getattr(obj, "region_id", None)

    def _audit_object(self, request: HttpRequest, object_id: str | None, page: str) -> None:
        if object_id is None:
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        audit_record(
            actor=getattr(request, "user", None),
            action=self.audit_view_action,
            target=obj,
            personal_data=self.audit_personal_data,
            request=request,
            details={"page": page},
            region_id=self.audit_region(obj),
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audit_record(
                actor=getattr(request, "user", None),
                action=self.audit_list_action,
                target=self.model,
                personal_data=self.audit_personal_data,
                request=request,
                details={
                    "page": "list",
                    "query": {
                        key: value[:_QUERY_LIMIT] for key, value in sorted(request.GET.items())
                    },
                },
            )
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:  # the form was shown (a saved change redirects)
            self._audit_object(request, object_id, "change")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit_object(request, object_id, "history")
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)
        if response.status_code == 200:  # the confirmation page, which shows the object
            self._audit_object(request, object_id, "delete")
        return response


class ConfigurationAuditedAdmin(admin.ModelAdmin[_M], Generic[_M]):
    """A ModelAdmin of configuration (staff and their roles, centres and their opening hours,
    channel accounts, routing, service levels): every addition, change and deletion saved here
    is also an audit event (`config.add`, `config.change`, `config.delete`) with who, when and
    the admin's own change message, so that the audit report lists it with the changes made on
    VIK's own pages."""

    def audit_region(self, obj: _M) -> int | None:
        return getattr(obj, "region_id", None)

    def audit_centre(self, obj: _M) -> int | None:
        return getattr(obj, "centre_id", None)

    def _audit_configuration(
        self, request: HttpRequest, obj: _M, action: str, message: Any = ""
    ) -> None:
        details: dict[str, Any] = {"name": str(obj)[:200], "change": message or ""}
        centre_id = self.audit_centre(obj)
        if centre_id is not None:
            details["centre_id"] = centre_id
        audit_record(
            actor=getattr(request, "user", None),
            action=action,
            target=obj,
            request=request,
            details=details,
            region_id=self.audit_region(obj),
        )

    def log_addition(self, request: HttpRequest, obj: _M, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._audit_configuration(request, obj, "config.add", message)
        return entry

    def log_change(self, request: HttpRequest, obj: _M, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        self._audit_configuration(request, obj, "config.change", message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objects = list(queryset)
        entries = super().log_deletions(request, queryset)
        for obj in objects:
            self._audit_configuration(request, obj, "config.delete")
        return entries


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedModelAdmin[AuditEvent]):
    list_display = [
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "personal_data",
    ]
    list_filter = ["action", "personal_data", "object_type"]
    search_fields = ["actor_label", "object_id", "action"]
    audit_list_action = "audit.read"
    audit_view_action = "audit.read"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

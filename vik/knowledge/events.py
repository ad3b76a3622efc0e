"""One small constructor per knowledge event; each is an entry of the audit log, written by the
service that did the thing (never inferred)."""

from __future__ import annotations

from typing import Any

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record

from .models import Article, ArticleVersion


def submitted(*, article: Article, by: Any) -> AuditEvent:
    return audit_record(actor=by, action="knowledge.submit", target=article)


def published(*, article: Article, versions: list[ArticleVersion], by: Any) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.publish",
        target=article,
        details={"versions": {version.language: version.number for version in versions}},
    )


def archived(*, article: Article, by: Any, note: str, version_id: int | None) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.archive",
        target=article,
        details={"note": note, "version_id": version_id},
    )


def restored(
    *, article: Article, version: ArticleVersion, restored: ArticleVersion, by: Any
) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.restore",
        target=article,
        details={"from": version.number, "to": restored.number},
    )

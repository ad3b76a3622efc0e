"""One small constructor per knowledge event; each is an entry of the audit log, written by the
service that did the thing (never inferred)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vik.audit.models import AuditEvent
from vik.audit.services import audit_record

from .models import Article, ArticleAttachment, ArticleVersion

if TYPE_CHECKING:
    from vik.tenancy.types import StaffUser


def submitted(*, article: Article, by: StaffUser | None) -> AuditEvent:
    return audit_record(actor=by, action="knowledge.submit", target=article)


def returned(*, article: Article, by: StaffUser | None, comment: str) -> AuditEvent:
    return audit_record(
        actor=by, action="knowledge.return", target=article, details={"comment": comment}
    )


def published(
    *,
    article: Article,
    versions: list[ArticleVersion],
    by: StaffUser | None,
    files_added: list[str] | None = None,
    files_removed: list[str] | None = None,
) -> AuditEvent:
    details: dict[str, object] = {
        "versions": {version.language: version.number for version in versions}
    }
    if files_added:
        details["files_added"] = files_added
    if files_removed:
        details["files_removed"] = files_removed
    return audit_record(actor=by, action="knowledge.publish", target=article, details=details)


def archived(
    *, article: Article, by: StaffUser | None, note: str, version_id: int | None
) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.archive",
        target=article,
        details={"note": note, "version_id": version_id},
    )


def restored(
    *, article: Article, version: ArticleVersion, restored: ArticleVersion, by: StaffUser | None
) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.restore",
        target=article,
        details={"from": version.number, "to": restored.number},
    )


def attachment_added(
    *,
    article: Article,
    attachment: ArticleAttachment,
    by: StaffUser | None,
    draft: ArticleVersion | None,
) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.attachment_add",
        target=article,
        details={
            "attachment": attachment.pk,
            "filename": attachment.filename,
            "draft": draft.number if draft is not None else None,
        },
    )


def attachment_deleted(
    *,
    article: Article,
    attachment: ArticleAttachment,
    by: StaffUser | None,
    draft: ArticleVersion | None,
) -> AuditEvent:
    return audit_record(
        actor=by,
        action="knowledge.attachment_delete",
        target=article,
        details={
            "attachment": attachment.pk,
            "filename": attachment.filename,
            "draft": draft.number if draft is not None else None,
        },
    )


def review_reminded(*, article: Article, owners: list[StaffUser]) -> AuditEvent:
    return audit_record(
        actor=None,
        action="knowledge.review_remind",
        target=article,
        details={
            "review_by": article.review_by.isoformat() if article.review_by else None,
            "owners": [owner.pk for owner in owners],
        },
    )

"""The attachments of the public form, file by file: each refused one named with the reason,
the others kept for the next submission (`kept.py`), so that one bad file costs nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from vik.core.filetypes import too_big, uploads_check

from .kept import (
    KeptFile,
    KeptFileGone,
    kept_file_upload,
    kept_files_read,
    kept_files_store,
    kept_files_token,
)
from .uploads import NOT_READ, TOO_BIG, TOO_MANY, RefusedUpload

KEPT_FIELD = "kept_files"  # the signed token of the files kept from the previous attempt
REMOVE_FIELD = "kept_remove"  # ids of kept files the citizen ticked to remove


def too_many(name: str) -> str:
    return _("You can attach at most %(count)d files; “%(name)s” was not accepted.") % {
        "count": settings.VIK_ATTACHMENT_MAX_COUNT,
        "name": name,
    }


def _refusal(item: RefusedUpload) -> str:
    if item.reason == TOO_BIG:
        return too_big(item.name, item.size)
    if item.reason == TOO_MANY:
        return too_many(item.name)
    if item.reason == NOT_READ:
        return _(
            "The form was too large: the file “%(name)s” and what came after it did not reach "
            "us. Attach smaller files."
        ) % {"name": item.name}
    raise ValueError(item.reason)


class KeepsFilesMixin(forms.Form):
    """A form with an `attachments` field whose good files outlive a failed submission.

    The view passes what the body reader refused (`refused_uploads`); after a failed
    `is_valid()` it calls `keep_accepted()`, and the page shows `kept_files` with a remove box
    each and carries `kept_token`.
    """

    def __init__(
        self, *args: Any, refused_uploads: Sequence[RefusedUpload] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.refused_uploads = list(refused_uploads)
        self.kept_files: list[KeptFile] = []
        self.kept_token = ""
        self._new_accepted: list[UploadedFile] = []
        if self.is_bound:
            data: Any = self.data  # a QueryDict
            removed = set(data.getlist(REMOVE_FIELD))
            self.kept_files = [
                k for k in kept_files_read(data.get(KEPT_FIELD, "")) if k.id not in removed
            ]
            self.kept_token = kept_files_token(self.kept_files)

    def attachments_clean(self, uploads: list[UploadedFile]) -> list[UploadedFile]:
        """The kept files and the new ones that pass; ValidationError naming every refusal."""
        problems = [_refusal(item) for item in self.refused_uploads]
        kept_uploads: list[UploadedFile] = []
        still_kept: list[KeptFile] = []
        for kept in self.kept_files:
            try:
                kept_uploads.append(kept_file_upload(kept))
                still_kept.append(kept)
            except KeptFileGone:
                problems.append(
                    _("The file “%(name)s” is no longer kept for you; choose it again, please.")
                    % {"name": kept.name}
                )
        self.kept_files = still_kept
        self.kept_token = kept_files_token(still_kept)
        accepted, refused = uploads_check(uploads)
        problems += refused
        room = max(settings.VIK_ATTACHMENT_MAX_COUNT - len(kept_uploads), 0)
        problems += [too_many(extra.name or "") for extra in accepted[room:]]
        self._new_accepted = accepted[:room]
        if problems:
            raise forms.ValidationError(problems)
        return kept_uploads + self._new_accepted

    def keep_accepted(self) -> None:
        """After a failed submission: store the new files that passed, so the page keeps them."""
        if self._new_accepted:
            self.kept_files += kept_files_store(self._new_accepted)
            self._new_accepted = []
            self.kept_token = kept_files_token(self.kept_files)

    @property
    def kept_field_name(self) -> str:
        return KEPT_FIELD

    @property
    def remove_field_name(self) -> str:
        return REMOVE_FIELD

    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())

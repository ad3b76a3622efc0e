"""Errors that services raise and views translate into messages for the user."""

from __future__ import annotations


class VikError(Exception):
    """A domain rule refused the operation; the message is safe to show to the user."""


class PermissionDenied(VikError):
    pass


class InvalidTransition(VikError):
    pass


class ValidationFailed(VikError):
    pass

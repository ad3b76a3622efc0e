"""An e-mail channel account's IMAP settings (`account.settings["imap"]`, see
docs/channels/email.md), read and checked before anything connects."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from vik.channels.core.models import ChannelAccount

# settings.imap.max_bytes, else the account's settings.max_bytes (the adapter's limit), else:
DEFAULT_MAX_BYTES = 25 * 1024 * 1024

SECURITIES = ("tls", "starttls", "none")
AFTER_PROCESSING = ("flag", "move", "keep")


class ImapSettingsError(Exception):
    """The account's IMAP settings are incomplete or wrong; the message says which."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str
    after_processing: str
    move_to: str
    max_bytes: int
    batch: int
    timeout: float
    ca_file: str
    poll_seconds: int
    max_seconds: float

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def from_account(cls, account: ChannelAccount) -> ImapSettings:
        raw = imap_settings(account)
        if raw is None:
            raise ImapSettingsError("the account has no IMAP settings (settings.imap.host)")
        security = str(raw.get("security", "tls")).lower()
        if security not in SECURITIES:
            raise ImapSettingsError(
                f"IMAP security {security!r} is not one of {', '.join(SECURITIES)}"
            )
        after = str(raw.get("after_processing", "flag")).lower()
        if after not in AFTER_PROCESSING:
            raise ImapSettingsError(
                f"after_processing {after!r} is not one of {', '.join(AFTER_PROCESSING)}"
            )
        username = str(raw.get("username") or "")
        if not username:
            raise ImapSettingsError("the IMAP username is missing (settings.imap.username)")
        folder = str(raw.get("folder") or "INBOX")
        move_to = str(raw.get("move_to") or "VIK/Processed")
        if after == "move" and move_to == folder:
            raise ImapSettingsError(f"move_to is the polled folder itself ({folder!r})")
        try:
            settings = cls(
                host=str(raw["host"]),
                port=int(raw.get("port") or (993 if security == "tls" else 143)),
                security=security,
                username=username,
                password=_password(raw),
                folder=folder,
                after_processing=after,
                move_to=move_to,
                max_bytes=int(
                    raw.get("max_bytes") or account.settings.get("max_bytes") or DEFAULT_MAX_BYTES
                ),
                batch=max(1, int(raw.get("batch", 200))),
                timeout=float(raw.get("timeout", 30)),
                ca_file=str(raw.get("ca_file") or ""),
                poll_seconds=int(raw.get("poll_seconds", 60)),
                max_seconds=float(raw.get("max_seconds", 30)),
            )
        except (TypeError, ValueError) as error:
            raise ImapSettingsError(f"an IMAP setting has a wrong value: {error}") from None
        return settings


def imap_settings(account: ChannelAccount) -> dict[str, Any] | None:
    """The account's raw `settings["imap"]`, or None when it does not read a mailbox."""
    raw = account.settings.get("imap") if isinstance(account.settings, dict) else None
    return raw if isinstance(raw, dict) and raw.get("host") else None


def _password(raw: dict[str, Any]) -> str:
    name = raw.get("password_env")
    if name:
        value = os.environ.get(str(name))
        if value is None:
            raise ImapSettingsError(
                f"the environment variable {name} (settings.imap.password_env) is not set"
            )
        return value
    if raw.get("password"):
        return str(raw["password"])
    raise ImapSettingsError("no IMAP password: set settings.imap.password_env")


def _folder_of(account: ChannelAccount) -> str:
    raw = imap_settings(account) or {}
    return str(raw.get("folder") or "INBOX")

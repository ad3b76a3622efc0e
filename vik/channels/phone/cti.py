"""The wire format of Zammad's generic CTI webhook: what a PBX bridge posts, read and checked.

A bridge posts `event=newCall|answer|hangup` with `from`, `to`, `direction` (in/out), `callId`,
`user[]` (or `user`), `queue`, `answeringNumber`, `cause`, as JSON or form-encoded. What is not
understood is refused with a reason (HTTP 422), as Zammad does; nothing else may fail.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from django.http import QueryDict

from .choices import HANGUP_CAUSES, CallDirection, CtiEvent

MAX_CALL_ID = 250  # Zammad's limit
MAX_NUMBER = 64
MAX_NAME = 150
MAX_USERS = 50
MAX_BODY = 64 * 1024


class CtiInputError(ValueError):
    """The post cannot be understood; the reason is sent back (422)."""


@dataclass(frozen=True)
class CtiInput:
    event: str
    call_id: str
    direction: str
    from_number: str
    to_number: str
    users: tuple[str, ...] = ()
    queue: str = ""
    answering_number: str = ""
    cause: str = ""
    recording_url: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["users"] = list(self.users)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CtiInput:
        return cls(**{**data, "users": tuple(data.get("users", ()))})


def token_new() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _fields(
    body: bytes, content_type: str, form: QueryDict | None
) -> tuple[dict[str, str], list[str]]:
    """The posted fields as text, and the user names (`user[]` repeated, or `user`)."""
    if len(body) > MAX_BODY:
        raise CtiInputError(f"the body is larger than {MAX_BODY} bytes")
    if form is not None and not is_json(content_type):  # multipart, as Django parsed it
        users = form.getlist("user[]") + form.getlist("user")
        return {key: form.get(key, "") for key in form if key not in ("user", "user[]")}, users
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise CtiInputError("the body is not UTF-8") from None
    if is_json(content_type):
        try:
            data = json.loads(text)
        except ValueError:
            raise CtiInputError("the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise CtiInputError("the JSON body is not an object")
        users_raw = data.get("user[]", data.get("user", []))
        if isinstance(users_raw, str):
            users_raw = [users_raw]
        if not isinstance(users_raw, list) or not all(isinstance(u, str) for u in users_raw):
            raise CtiInputError("user must be a string or a list of strings")
        fields: dict[str, str] = {}
        for key, value in data.items():
            if key in ("user", "user[]") or value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise CtiInputError(f"{key} must be a string")
            fields[key] = str(value)
        return fields, list(users_raw)
    query = QueryDict(text, encoding="utf-8")
    users = query.getlist("user[]") + query.getlist("user")
    return {key: query.get(key, "") for key in query if key not in ("user", "user[]")}, users


def _text(fields: dict[str, str], key: str, limit: int, *, required: bool = False) -> str:
    value = fields.get(key, "").strip()
    if required and not value:
        raise CtiInputError(f"{key} is missing")
    if len(value) > limit:
        raise CtiInputError(f"{key} is longer than {limit} characters")
    if any(ord(c) < 32 for c in value):
        raise CtiInputError(f"{key} contains control characters")
    return value


def cti_input_read(body: bytes, content_type: str, form: QueryDict | None = None) -> CtiInput:
    """The post, checked; raises CtiInputError with the reason. `form`: the fields of a
    multipart post as Django parsed them (JSON and form-encoded bodies are read from `body`)."""
    fields, users = _fields(body, content_type, form)
    event = _text(fields, "event", 16, required=True)
    if event not in CtiEvent.values:
        raise CtiInputError(f"event must be one of newCall, answer, hangup, not {event!r}")
    call_id = _text(fields, "callId", MAX_CALL_ID, required=True)
    direction = _text(fields, "direction", 8, required=True)
    if direction not in CallDirection.values:
        raise CtiInputError(f"direction must be in or out, not {direction!r}")
    cause = _text(fields, "cause", 32)
    if cause and cause not in HANGUP_CAUSES:
        raise CtiInputError(f"cause {cause!r} is not one of {', '.join(sorted(HANGUP_CAUSES))}")
    if len(users) > MAX_USERS:
        raise CtiInputError(f"more than {MAX_USERS} users")
    names = tuple(_text({"user": u}, "user", MAX_NAME) for u in users)
    recording = _text(fields, "recordingUrl", 500) or _text(fields, "recording_url", 500)
    if recording and urlsplit(recording).scheme not in ("http", "https"):
        raise CtiInputError("recordingUrl must be an http or https URL")
    return CtiInput(
        event=event,
        call_id=call_id,
        direction=direction,
        from_number=_text(fields, "from", MAX_NUMBER),
        to_number=_text(fields, "to", MAX_NUMBER),
        users=tuple(n for n in names if n),
        queue=_text(fields, "queue", 100),
        answering_number=_text(fields, "answeringNumber", MAX_NAME),
        cause=cause,
        recording_url=recording,
    )

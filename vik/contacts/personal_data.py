"""What apps above `vik.gdpr`'s reach hold about a person, registered once at start-up.

`vik.gdpr` exports and erases a person's data; it reads the floors below it directly. An app
beside it on the same floor (`vik.satisfaction`: a citizen's rating comment) may not be imported
by it, nor import it: such an app registers, in its `AppConfig.ready`, a `PersonalDataHolder`
here, on the floor both stand on, and `vik.gdpr` asks every registered holder.

Both functions take the ids of the person's contacts (the contact and those merged into it) and
of the requests they made:
- `export(contact_ids, request_ids)`: per request id, what the holder keeps about it (a dict
  that goes into the request's entry of `requests.json` under the holder's `name`);
- `erase(contact_ids, request_ids, placeholder)`: replace the person's words with
  `placeholder`, keep what statistics count; returns how many records it changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalDataHolder:
    name: str
    export: Callable[[Sequence[int], Sequence[int]], dict[int, dict[str, Any]]]
    erase: Callable[[Sequence[int], Sequence[int], str], int]


_holders: dict[str, PersonalDataHolder] = {}


def personal_data_register(holder: PersonalDataHolder) -> None:
    """Called once per app, when it loads; registering a name again replaces it."""
    _holders[holder.name] = holder


def personal_data_holders() -> list[PersonalDataHolder]:
    return [_holders[name] for name in sorted(_holders)]

"""Which adapter serves which channel kind. Adapters register themselves when their app loads."""

from __future__ import annotations

from .base import ChannelAdapter

_ADAPTERS: dict[str, ChannelAdapter] = {}


def register(adapter: ChannelAdapter) -> ChannelAdapter:
    if adapter.kind in _ADAPTERS and type(_ADAPTERS[adapter.kind]) is not type(adapter):
        raise RuntimeError(f"two adapters for channel {adapter.kind!r}")
    _ADAPTERS[adapter.kind] = adapter
    return adapter


def adapter_for(kind: str) -> ChannelAdapter:
    try:
        return _ADAPTERS[kind]
    except KeyError:
        raise LookupError(f"no adapter is registered for channel {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_ADAPTERS)

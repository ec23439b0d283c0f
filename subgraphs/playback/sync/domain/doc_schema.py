"""The declared schema of a user's sync document, and who may write what in it.

Every change a device's raw update makes to the document is checked against it before the
update is kept: the roots are the five below and nothing else; each entry's value is a plain
JSON object with exactly the fields declared for its root; a device writes only entries it
owns; add and removal markers, and the server's record of who writes under which Yjs client id,
are never changed or deleted once written, and no entry is ever deleted (a device overwrites
its own); clock stamps are not further ahead of the server's
clock than the allowed drift.

Owners: an add or a removal marker belongs to the device named in it; a progress or preference
entry to the device its key ends with (`<title>|<device>`); `clients` entries to the server.

A write that loses a concurrent write of the same key (Yjs keeps one entry per key and deletes
the others as they arrive) changes nothing and raises no event: there is nothing to check, and
it is kept like any update (it counts towards the quota).

Messages never quote a value as Python prints it (a client could send anything): keys and
names are shown cut to a few dozen characters, values only by what kind they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from subgraphs.playback.sync.domain.hlc import Hlc, InvalidHlc

__all__ = [
    "ADDS",
    "CLIENTS",
    "LAYOUT",
    "PREFERENCES",
    "PROGRESS",
    "REMOVES",
    "ROOTS",
    "SERVER",
    "InvalidUpdate",
    "Writer",
    "check_entry",
    "check_roots",
    "owner_of",
    "shown",
]

ADDS, REMOVES, PROGRESS, PREFERENCES, CLIENTS = (
    "watchlist_adds", "watchlist_removes", "progress", "preferences", "clients",
)
ROOTS = (ADDS, REMOVES, PROGRESS, PREFERENCES, CLIENTS)
# The node the server's own entries are written under (`clients`; users' facts use "users").
SERVER = "server"
_NUMBER = (int, float)
# Root -> the fields an entry's value has (exactly these) and the types they take.
LAYOUT: Mapping[str, Mapping[str, tuple[type, ...]]] = {
    ADDS: {"hlc": (str,), "device": (str,)},
    REMOVES: {"title": (str,), "hlc": (str,), "device": (str,)},
    PROGRESS: {"position": _NUMBER, "duration": _NUMBER, "hlc": (str,)},
    PREFERENCES: {"value": (str,), "hlc": (str,)},
    CLIENTS: {"device": (str,)},
}
# Markers: written once, never changed or deleted (the watchlist's adds-win rule rests on it).
_IMMUTABLE = frozenset({ADDS, REMOVES, CLIENTS})
_SHOWN = 40


class InvalidUpdate(ValueError):
    """Bytes that are not an update of a sync document, or that break its schema.

    `reason` is the machine-readable rule broken, as clients see it in `extensions.reason`.
    """

    def __init__(self, message: str, reason: str = "INVALID_UPDATE") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Writer:
    """Who sends an update, and the server clock its stamps are held to."""

    device: str
    now_ms: int
    max_drift_ms: int


def shown(text: object) -> str:
    """A key or name for a message: text only, cut short."""
    value = str(text) if isinstance(text, str | int) else type(text).__name__
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


def check_roots(names: set[str]) -> None:
    unknown = sorted(names - set(ROOTS))
    if unknown:
        raise InvalidUpdate(f"unknown root `{shown(unknown[0])}` (the document has "
                            f"{', '.join(ROOTS)})", "UNKNOWN_ROOT")


def _shape(root: str, key: str, value: object) -> Mapping[str, Any]:
    fields = LAYOUT[root]
    # A plain dict: pycrdt gives nested shared types (maps, arrays, text) as their own objects.
    if type(value) is not dict:
        raise InvalidUpdate(f"`{root}` entries are plain objects; `{shown(key)}` holds "
                            f"{_kind(value)}", "BAD_VALUE")
    if set(value) != set(fields):
        raise InvalidUpdate(f"`{root}` entries have exactly the fields "
                            f"{', '.join(sorted(fields))}", "BAD_VALUE")
    for name, types in fields.items():
        item = value[name]
        if not isinstance(item, types) or isinstance(item, bool):
            raise InvalidUpdate(f"`{root}` field `{name}` holds {_kind(item)}", "BAD_VALUE")
    return value


def _kind(value: object) -> str:
    if isinstance(value, Mapping) and type(value) is dict:
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return "a nested shared type"


def owner_of(root: str, key: str, value: Mapping[str, Any] | None) -> str:
    """The device an entry belongs to (from its key where the key names it)."""
    if root in (PROGRESS, PREFERENCES):
        return key.rpartition("|")[2]
    if root == CLIENTS:
        return SERVER
    return str(value.get("device")) if value is not None else ""


def _stamp(root: str, key: str, value: Mapping[str, Any], writer: Writer) -> None:
    try:
        stamp = Hlc.decode(value["hlc"])
    except InvalidHlc:
        raise InvalidUpdate(f"`{shown(key)}` has a malformed clock stamp", "BAD_CLOCK") from None
    if stamp.node != owner_of(root, key, value):
        raise InvalidUpdate(f"`{shown(key)}` is stamped by another device's clock", "NOT_OWNER")
    if stamp.wall_ms > writer.now_ms + writer.max_drift_ms:
        raise InvalidUpdate(
            f"`{shown(key)}` is stamped more than {writer.max_drift_ms // 1000} s ahead of the "
            "server's clock", "CLOCK_DRIFT",
        )


def check_entry(
    root: str, key: str, action: str, old: object, new: object, writer: Writer
) -> None:
    """One key's change, as a map event reports it (`add`, `update` or `delete`)."""
    if (action == "update" and root == REMOVES and type(old) is dict and type(new) is dict
            and old.get("title") == new.get("title")):
        # Two devices removed the same add at once and wrote the same marker: the tag stays
        # removed whichever wins; the new one is checked as any write.
        pass
    elif action != "add" and root in _IMMUTABLE:
        raise InvalidUpdate(f"`{root}` entries are never changed or deleted "
                            f"(`{shown(key)}`)", "MARKER_CHANGED")
    if root == CLIENTS:
        raise InvalidUpdate("`clients` is written by the server only", "NOT_OWNER")
    if action == "delete":
        entry = old if type(old) is dict else None
        if owner_of(root, key, entry) != writer.device:
            raise InvalidUpdate(f"`{shown(key)}` belongs to another device", "NOT_OWNER")
        # A device overwrites its own entries; a delete would lose the merge's last writer.
        raise InvalidUpdate(f"entries are overwritten, never deleted (`{shown(key)}`)",
                            "MARKER_CHANGED")
    value = _shape(root, key, new)
    if owner_of(root, key, value) != writer.device:
        raise InvalidUpdate(f"`{shown(key)}` belongs to another device than "
                            f"`{shown(writer.device)}`", "NOT_OWNER")
    _stamp(root, key, value, writer)

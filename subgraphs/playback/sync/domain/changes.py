"""What a sync document says and what a change to it did: merged values, touched keys, and
the changes devices are told of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from subgraphs.playback.sync.domain.hlc import Hlc

__all__ = [
    "COMPLETED_AT",
    "Change",
    "Checked",
    "Preference",
    "PreferenceChanged",
    "Progress",
    "ProgressChanged",
    "SyncChange",
    "SyncView",
    "Touched",
    "WatchlistAdded",
    "WatchlistRemoved",
]

COMPLETED_AT = 0.95


@dataclass(frozen=True)
class Progress:
    title_id: str
    position_seconds: int
    duration_seconds: int
    hlc: Hlc

    @property
    def key(self) -> str:
        return self.title_id

    @property
    def device_id(self) -> str:
        return self.hlc.node

    @property
    def fraction(self) -> float:
        return min(1.0, self.position_seconds / self.duration_seconds)

    @property
    def completed(self) -> bool:
        return self.fraction >= COMPLETED_AT


@dataclass(frozen=True)
class Preference:
    name: str
    value: str
    hlc: Hlc

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class WatchlistAdded:
    title_id: str


@dataclass(frozen=True)
class WatchlistRemoved:
    title_id: str


@dataclass(frozen=True)
class ProgressChanged:
    progress: Progress


@dataclass(frozen=True)
class PreferenceChanged:
    preference: Preference


SyncChange = WatchlistAdded | WatchlistRemoved | ProgressChanged | PreferenceChanged


@dataclass(frozen=True)
class SyncView:
    """What the document says once merged: the values devices show."""

    watchlist: frozenset[str] = frozenset()
    progress: Mapping[str, Progress] = field(default_factory=dict)
    preferences: Mapping[str, Preference] = field(default_factory=dict)


@dataclass
class Touched:
    """The watchlist titles, progress titles and preference names an update wrote to."""

    watchlist: set[str] = field(default_factory=set)
    progress: set[str] = field(default_factory=set)
    preferences: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.watchlist or self.progress or self.preferences)

    def merge(self, other: Touched) -> None:
        self.watchlist |= other.watchlist
        self.progress |= other.progress
        self.preferences |= other.preferences

    def to_json(self) -> dict[str, list[str]]:
        return {
            "watchlist": sorted(self.watchlist),
            "progress": sorted(self.progress),
            "preferences": sorted(self.preferences),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Touched:
        return cls(
            set(data.get("watchlist", ())), set(data.get("progress", ())),
            set(data.get("preferences", ())),
        )

    def changes(self, before: SyncView | None, after: SyncView) -> list[SyncChange]:
        """What differs for these keys; with no `before`, their current values."""
        out: list[SyncChange] = []
        for title in sorted(self.watchlist):
            present = title in after.watchlist
            if before is not None and present == (title in before.watchlist):
                continue
            out.append(WatchlistAdded(title) if present else WatchlistRemoved(title))
        for title in sorted(self.progress):
            now = after.progress.get(title)
            if now is not None and (before is None or before.progress.get(title) != now):
                out.append(ProgressChanged(now))
        for name in sorted(self.preferences):
            pref = after.preferences.get(name)
            if pref is not None and (before is None or before.preferences.get(name) != pref):
                out.append(PreferenceChanged(pref))
        return out


@dataclass(frozen=True)
class Checked:
    """A device's update once checked: what it writes, the Yjs client ids it is the first to
    write under, and the update to keep (what a copy of the document integrated)."""

    touched: Touched
    new_clients: frozenset[int]
    update: bytes
    added_titles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    """What a typed operation did: the update to send to peers and the keys it wrote."""

    update: bytes
    touched: Touched
    # The touched keys' values before the change (`view_of`); None: report their values now.
    before: SyncView | None = None

"""A user's sync state as one pycrdt document: watchlist, progress per title, preferences.

Layout (root maps of the document; every value is a small JSON object):

- `watchlist_adds`: `"<title>#<tag>" -> {"hlc", "device"}`, one entry per add, each with a fresh
  tag; `watchlist_removes`: `"<tag>" -> {"title", "hlc", "device"}`, one tombstone per tag a
  remove saw. A title is on the watchlist while one of its add tags has no tombstone: an
  observed-remove set, so an add concurrent with a remove survives it (adds win).
- `progress`: `"<title>|<device>" -> {"position", "duration", "hlc"}`. Each device writes only its
  own entry; the title's progress is the entry with the greatest (HLC, device), so the order is
  the clocks' and not the arrival's (last writer wins by hybrid logical clock).
- `preferences`: `"<name>|<device>" -> {"value", "hlc"}`, the same last-writer-wins register.

Keys are flat rather than nested maps: two devices creating the same nested map concurrently
would each create their own and one would hide the other's entries.

What the document's values mean once merged is in `changes`, how entries parse in `entries`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from pycrdt import Doc, Map, MapEvent

from subgraphs.playback.sync.domain.changes import (
    Change,
    Checked,
    Preference,
    Progress,
    SyncView,
    Touched,
)
from subgraphs.playback.sync.domain.doc_schema import (
    ADDS,
    CLIENTS,
    PREFERENCES,
    PROGRESS,
    REMOVES,
    ROOTS,
    SERVER,
    InvalidUpdate,
    Writer,
    check_entry,
    check_roots,
    shown,
)
from subgraphs.playback.sync.domain.entries import (
    add_title,
    parse_node,
    parse_preference,
    parse_progress,
    parse_uuid,
    removed_title,
)
from subgraphs.playback.sync.domain.hlc import Hlc, InvalidHlc
from subgraphs.playback.sync.domain.state_vector import decode_state_vector

__all__ = ["SyncDoc"]

_Register = TypeVar("_Register", Progress, Preference)


class SyncDoc:
    """One user's document, with typed operations that each return the update they made."""

    def __init__(self, client_id: int | None = None, *, server: bool = False) -> None:
        self.doc: Doc = Doc(client_id=client_id)
        # The server's copy records who writes under which client id (`clients`); a device's
        # copy never writes there.
        self._server = server
        self.maps: dict[str, Map] = {name: self.doc.get(name, type=Map) for name in ROOTS}
        # Add tags by title, built on first use and kept by this document's own adds; anything
        # merged from elsewhere drops it. Observers are only subscribed while checking a peer's
        # update: pycrdt builds each event in Python, which costs more than the merge itself.
        self._tags: dict[str, set[str]] | None = None
        # The greatest clock stamp, kept by this document's own writes; merges forget it.
        self._latest: Hlc | None = None
        self._latest_known = False

    @classmethod
    def from_update(cls, update: bytes, client_id: int | None = None) -> SyncDoc:
        sync = cls(client_id)
        if update:
            sync.merge(update)
        return sync

    # -- state exchange --------------------------------------------------------------------

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def diff(self, state_vector: bytes | None = None) -> bytes:
        """Everything a peer at `state_vector` lacks (the whole document without one)."""
        if state_vector is None:
            return self.doc.get_update()
        return self.doc.get_update(state_vector)

    def clock(self) -> dict[int, int]:
        return decode_state_vector(self.state_vector())

    @contextmanager
    def _observed(self) -> Iterator[list[tuple[str, str, str, object, object]]]:
        """Every key change the merges inside make: (root, key, action, old, new)."""
        seen: list[tuple[str, str, str, object, object]] = []

        def observer(root: str) -> Any:
            def on_change(event: MapEvent) -> None:
                for key, change in event.keys.items():
                    seen.append((root, key, str(change.get("action")), change.get("oldValue"),
                                 change.get("newValue")))
            return on_change

        subscriptions = [(self.maps[r], self.maps[r].observe(observer(r))) for r in ROOTS]
        try:
            yield seen
        finally:
            for map_, subscription in subscriptions:
                map_.unobserve(subscription)
            self._forget()

    @staticmethod
    def _touch(touched: Touched, root: str, key: str, value: object) -> None:
        if root == ADDS:
            touched.watchlist.add(add_title(key, value))
        elif root == REMOVES:
            touched.watchlist.add(removed_title(key, value))
        elif root == PROGRESS:
            touched.progress.add(parse_progress(key, value).title_id)
        elif root == PREFERENCES:
            touched.preferences.add(parse_preference(key, value).name)

    def _merge_observed(self, update: bytes) -> list[tuple[str, str, str, object, object]]:
        with self._observed() as seen:
            try:
                self.doc.apply_update(update)
            except ValueError:
                raise InvalidUpdate("not a CRDT update", "NOT_AN_UPDATE") from None
        return seen

    def apply(self, update: bytes) -> Touched:
        """Merge a peer's update; raises InvalidUpdate when it breaks the layout (it is then
        applied all the same). For a device's own use: the server checks with `check`."""
        touched = Touched()
        problems = []
        for root, key, action, _, new in self._merge_observed(update):
            if action == "delete":
                continue
            try:
                self._touch(touched, root, key, new)
            except InvalidUpdate as problem:
                problems.append(problem)
        if problems:
            raise problems[0]
        return touched

    def merge(self, update: bytes) -> None:
        """Apply an update already checked (stored or relayed): no observers, no checks."""
        self.doc.apply_update(update)
        self._forget()

    def _forget(self) -> None:
        """Drops what is derived from the content: a merge may have changed anything."""
        self._tags = None
        self._latest_known = False

    def _stamped(self, stamp: Hlc) -> None:
        if self._latest_known and (self._latest is None or stamp > self._latest):
            self._latest = stamp

    def all_keys(self) -> Touched:
        """Every key with a value: what a device that has nothing must be told."""
        view = self.view()
        removed = {str(value.get("title")) for value in self.maps[REMOVES].values()
                   if isinstance(value, Mapping)}
        return Touched(set(view.watchlist) | removed, set(view.progress), set(view.preferences))

    def check(self, update: bytes, writer: Writer) -> Checked:
        """What a device's `update` would write, without changing this document; raises
        InvalidUpdate (with its `reason`) when any change in it breaks the schema."""
        if not update:
            raise InvalidUpdate("the update carries no changes", "NO_CHANGES")
        scratch = SyncDoc()
        scratch.merge(self.diff())
        before, size = scratch.clock(), len(scratch.diff())
        seen = scratch._merge_observed(update)
        check_roots(set(scratch.doc.keys()))
        touched, added = Touched(), set()
        for root, key, action, old, new in seen:
            check_entry(root, key, action, old, new, writer)
            self._touch(touched, root, key, new)
            if root == REMOVES:
                scratch._check_tombstone(key, new)
            elif root == ADDS:
                added.add(add_title(key, new))
        if update[0] == 0:
            # No struct blocks: the layout never deletes without writing, so this is junk.
            raise InvalidUpdate("the update carries no changes", "NO_CHANGES")
        after = scratch.clock()
        new_clients = {c for c, v in after.items() if v > before.get(c, 0)}
        if not new_clients:
            if len(scratch.diff()) != size:
                # Yjs keeps an update whose causal past it lacks aside, invisible, for later.
                raise InvalidUpdate(
                    "the update depends on changes this document does not have", "MISSING_PAST"
                )
            return Checked(Touched(), frozenset(), b"")  # a device sending again what it sent
        owners = self.maps[CLIENTS]
        for client in new_clients:
            owner = owners.get(str(client))
            if type(owner) is dict and owner.get("device") != writer.device:
                raise InvalidUpdate("the update writes under another device's client id",
                                    "FOREIGN_CLIENT")
        unclaimed = frozenset(c for c in new_clients if str(c) not in owners)
        # Re-encoded from what the copy integrated: Yjs would keep a delete set naming items it
        # has not seen aside and apply it when they arrive, unchecked (a future add deleted).
        return Checked(touched, unclaimed, scratch.diff(self.state_vector()), frozenset(added))

    def _check_tombstone(self, tag: str, value: object) -> None:
        """A removal marker names an add this document holds, and that add's title."""
        title = str(value.get("title")) if type(value) is dict else ""
        if f"{title}#{tag}" not in self.maps[ADDS]:
            raise InvalidUpdate(f"removal marker `{shown(tag)}` names no add of that title",
                                "BAD_VALUE")

    def claim_clients(self, clients: Iterable[int], device: str) -> bytes:
        """Records which device writes under these Yjs client ids; the update it made."""
        before = self.state_vector()
        with self.doc.transaction():
            for client in sorted(clients):
                self.maps[CLIENTS][str(client)] = {"device": device}
            self._claim_own()
        return self.doc.get_update(before)

    def _claim_own(self) -> None:
        # The server's own client id too, so no device can write under it.
        own = str(self.doc.client_id)
        if self._server and own not in self.maps[CLIENTS]:
            self.maps[CLIENTS][own] = {"device": SERVER}

    # -- typed operations ------------------------------------------------------------------

    @contextmanager
    def _change(self, touched: Touched) -> Iterator[list[Change]]:
        out: list[Change] = []
        before, values = self.state_vector(), self.view_of(touched)
        with self.doc.transaction():
            self._claim_own()
            yield out
        out.append(Change(self.doc.get_update(before), touched, values))

    def add_to_watchlist(self, title_id: str, stamp: Hlc, *, tag: str | None = None) -> Change:
        """A fresh add tag, even when the title is already there, so a concurrent remove
        elsewhere cannot take this add back."""
        title = parse_uuid(title_id, "title id")
        tag = tag or uuid.uuid4().hex
        tags = self._tag_index()
        with self._change(Touched(watchlist={title})) as out:
            self.maps[ADDS][f"{title}#{tag}"] = {"hlc": stamp.encode(), "device": stamp.node}
        tags.setdefault(title, set()).add(tag)
        self._tags = tags
        self._stamped(stamp)
        return out[0]

    def remove_from_watchlist(self, title_id: str, stamp: Hlc) -> Change:
        """Tombstones the add tags this document has seen for the title."""
        title = parse_uuid(title_id, "title id")
        removed = self.maps[REMOVES]
        with self._change(Touched(watchlist={title})) as out:
            for tag in self._live_tags(title):
                removed[tag] = {"title": title, "hlc": stamp.encode(), "device": stamp.node}
                self._stamped(stamp)
        return out[0]

    def report_progress(self, title_id: str, position: int, duration: int, stamp: Hlc) -> Change:
        progress = Progress(parse_uuid(title_id, "title id"), position, duration, stamp)
        if duration <= 0 or not 0 <= position <= duration:
            raise InvalidUpdate(f"progress {position}/{duration} is out of range")
        parse_node(stamp.node)
        with self._change(Touched(progress={progress.title_id})) as out:
            self.maps[PROGRESS][f"{progress.title_id}|{stamp.node}"] = {
                "position": position, "duration": duration, "hlc": stamp.encode(),
            }
        self._stamped(stamp)
        return out[0]

    def set_preference(self, name: str, value: str, stamp: Hlc) -> Change:
        parse_preference(f"{name}|{parse_node(stamp.node)}",
                         {"value": value, "hlc": stamp.encode()})
        with self._change(Touched(preferences={name})) as out:
            self.maps[PREFERENCES][f"{name}|{stamp.node}"] = {
                "value": value, "hlc": stamp.encode(),
            }
        self._stamped(stamp)
        return out[0]

    # -- reading ---------------------------------------------------------------------------

    def _tag_index(self) -> dict[str, set[str]]:
        if self._tags is None:
            self._tags = {}
            for key in self.maps[ADDS]:
                title, _, tag = key.partition("#")
                self._tags.setdefault(title, set()).add(tag)
        return self._tags

    def _live_tags(self, title: str) -> list[str]:
        removed = self.maps[REMOVES]
        return [tag for tag in self._tag_index().get(title, ()) if tag not in removed]

    def view(self) -> SyncView:
        """The merged values; entries that do not parse (from a buggy peer) are skipped."""
        removed = set(self.maps[REMOVES].keys())
        watchlist = set()
        for key in self.maps[ADDS]:
            title, _, tag = key.partition("#")
            if tag not in removed:
                watchlist.add(title)
        return SyncView(
            frozenset(watchlist), self._registers(PROGRESS, parse_progress),
            self._registers(PREFERENCES, parse_preference),
        )

    def view_of(self, touched: Touched) -> SyncView:
        """`view()` of `touched`'s keys only: a write costs what its keys do, not what the
        whole document does."""
        removed = self.maps[REMOVES]
        tags = self._tag_index()
        watchlist = frozenset(
            title for title in touched.watchlist
            if any(tag not in removed for tag in tags.get(title, ()))
        )
        return SyncView(
            watchlist, self._registers(PROGRESS, parse_progress, touched.progress),
            self._registers(PREFERENCES, parse_preference, touched.preferences),
        )

    def _registers(
        self, root: str, parse: Callable[[str, object], _Register],
        only: set[str] | None = None,
    ) -> dict[str, _Register]:
        """Per title (or preference name), the entry with the greatest (HLC, device); `only`
        limits it to those keys, parsing nothing else."""
        if only is not None and not only:
            return {}
        entries = self.maps[root]
        best: dict[str, _Register] = {}
        for key in entries:
            if only is not None and key.partition("|")[0] not in only:
                continue
            try:
                entry = parse(key, entries[key])
            except InvalidUpdate:
                continue
            known = best.get(entry.key)
            if known is None or entry.hlc > known.hlc:
                best[entry.key] = entry
        return best

    def latest_hlc(self) -> Hlc | None:
        """The greatest clock stamp in the document, for a server clock to move past."""
        if not self._latest_known:
            self._latest, self._latest_known = self._scan_latest(), True
        return self._latest

    def _scan_latest(self) -> Hlc | None:
        stamps = []
        for root in ROOTS:
            for value in self.maps[root].values():
                if isinstance(value, Mapping):
                    try:
                        stamps.append(Hlc.decode(value.get("hlc")))
                    except InvalidHlc:
                        continue
        return max(stamps, default=None)

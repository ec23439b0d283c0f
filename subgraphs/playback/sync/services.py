"""Sync use cases: accept updates and typed operations, catch devices up, absorb users' events.

Each process keeps recently used documents in memory. A write takes the user's row lock, reads
the updates other replicas appended since, applies, appends, commits, and only then fans the
update out (Redis pub/sub to sockets) and tells the users subgraph (Redis streams).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import inspect
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pycrdt import merge_updates

from subgraphs.common.errors import BadInput
from subgraphs.common.events import Event
from subgraphs.common.outbox import Outbox, publish_staged
from subgraphs.playback.adapters.sync_store import SyncStore, WriteLease
from subgraphs.playback.domain.hlc import Clock, Hlc
from subgraphs.playback.domain.sync import (
    Change,
    InvalidUpdate,
    SyncChange,
    SyncDoc,
    Touched,
    decode_state_vector,
    is_covered,
)
from subgraphs.playback.domain.sync_events import change_payload, stream_event
from subgraphs.playback.domain.sync_log import lacking
from subgraphs.playback.domain.sync_schema import Writer

__all__ = [
    "COMPACT_EVERY",
    "MAX_UPDATE_BYTES",
    "DeviceDirectory",
    "InvalidSyncInput",
    "SyncLimits",
    "SyncMessage",
    "SyncService",
    "TitleDirectory",
    "decode_b64",
    "encode_b64",
]

MAX_UPDATE_BYTES = 64 * 1024
COMPACT_EVERY = 50
_CACHE_SIZE = 10_000
USERS_ORIGIN = "users"


class InvalidSyncInput(BadInput):
    """Refused sync input; `reason` says which rule it broke."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason=reason, field="update")


class Hub(Protocol):
    async def publish(self, user_id: uuid.UUID, message: Mapping[str, Any]) -> None: ...


class DeviceDirectory(Protocol):
    async def is_registered(self, user_id: uuid.UUID, device_id: str) -> bool:
        """True when `device_id` is one of the user's registered devices."""
        ...


class TitleDirectory(Protocol):
    async def known_titles(self, title_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Those of `title_ids` that the catalog announced (playback's own projection)."""
        ...


@dataclass(frozen=True)
class SyncLimits:
    """Per user: how much the document may hold, and how far ahead its clocks may run."""

    quota_bytes: int = 512 * 1024
    max_drift_ms: int = 300_000


def encode_b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def decode_b64(text: str, what: str, limit: int = MAX_UPDATE_BYTES) -> bytes:
    if len(text) > (limit * 4) // 3 + 4:
        raise InvalidSyncInput(f"The {what} is larger than {limit} bytes.", "UPDATE_TOO_LARGE")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSyncInput(f"The {what} is not base64.", "INVALID_BASE64") from None
    if len(data) > limit:
        raise InvalidSyncInput(f"The {what} is larger than {limit} bytes.", "UPDATE_TOO_LARGE")
    return data


@dataclass(frozen=True)
class SyncMessage:
    """What a device receives: the binary update and the same change decoded."""

    id: int
    update: bytes
    changes: list[dict[str, Any]]
    state_vector: bytes
    catch_up: bool = False
    device_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "update": encode_b64(self.update), "changes": self.changes,
            "state_vector": encode_b64(self.state_vector), "device_id": self.device_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SyncMessage:
        return cls(
            id=int(data["id"]), update=base64.b64decode(data["update"]),
            changes=list(data["changes"]), state_vector=base64.b64decode(data["state_vector"]),
            device_id=data.get("device_id"),
        )


@dataclass
class _Cached:
    doc: SyncDoc = field(default_factory=lambda: SyncDoc(server=True))
    last_id: int = 0
    # The encoded document's size, counted up by what each write adds (an over-estimate: an
    # overwritten entry still counts) and set exactly at each compaction.
    size: int = 0
    # The locked row's (through_id, since_snapshot) when this copy was last complete. The pair
    # changes with every append and compaction and never comes back, so finding it unchanged
    # under the lock means no replica appended since: the read can be skipped.
    mark: tuple[int, int] | None = None


class SyncService:
    def __init__(
        self, store: SyncStore, hub: Hub, outbox: Outbox | None = None,
        compact_every: int = COMPACT_EVERY, *, devices: DeviceDirectory, titles: TitleDirectory,
        limits: SyncLimits | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        # Sync facts for the users subgraph are staged with the update that makes them.
        self.outbox = outbox
        self.compact_every = compact_every
        self.devices = devices
        self.titles = titles
        self.limits = limits or SyncLimits()
        self._docs: OrderedDict[uuid.UUID, _Cached] = OrderedDict()
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

    # -- documents -------------------------------------------------------------------------

    def forget(self, user_id: uuid.UUID) -> None:
        """Drop the cached document (the user's rows are gone: account deletion)."""
        self._docs.pop(user_id, None)

    def _lock(self, user_id: uuid.UUID) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = self._locks[user_id] = asyncio.Lock()
        return lock

    async def _refresh(self, user_id: uuid.UUID, lease: WriteLease | None = None) -> _Cached:
        """The cached document plus whatever any replica appended since it was last read."""
        cached = self._docs.pop(user_id, None) or _Cached()
        self._docs[user_id] = cached
        if len(self._docs) > _CACHE_SIZE:
            evicted, _ = self._docs.popitem(last=False)
            lock = self._locks.get(evicted)
            if lock is not None and not lock.locked():
                del self._locks[evicted]
        if lease is not None:
            mark = (lease.through_id, lease.since_snapshot)
            if cached.mark == mark:
                return cached
            cached.mark = mark
        stored = await self.store.load(
            user_id, cached.last_id, lease.through_id if lease is not None else None
        )
        if stored.snapshot:
            cached.doc.merge(stored.snapshot)
            cached.size = len(stored.snapshot)
        for _, update in stored.updates:
            cached.doc.merge(update)
            cached.size += len(update)
        cached.last_id = stored.last_id
        return cached

    async def _write(
        self, user_id: uuid.UUID, device_id: str | None,
        op: Callable[[SyncDoc], Change | Awaitable[Change]],
        origin: str | None = None,
    ) -> SyncMessage:
        async with self._lock(user_id):
            try:
                async with self.store.writing(user_id) as lease:
                    cached = await self._refresh(user_id, lease)
                    doc = cached.doc
                    before_clock = doc.clock()
                    change = op(doc)
                    if inspect.isawaitable(change):
                        change = await change
                    after_clock = doc.clock()
                    new = {c: v for c, v in after_clock.items() if v > before_clock.get(c, 0)}
                    if not new:
                        return SyncMessage(cached.last_id, b"", [], doc.state_vector())
                    if (origin != USERS_ORIGIN
                            and cached.size + len(change.update) > self.limits.quota_bytes):
                        raise InvalidSyncInput(
                            f"The sync document would hold more than {self.limits.quota_bytes} "
                            "bytes: remove entries first.", "QUOTA_EXCEEDED",
                        )
                    # Only the keys the change wrote are read: the document may be large.
                    changes = change.touched.changes(change.before, doc.view_of(change.touched))
                    facts = (self._facts_for_users(user_id, changes)
                             if origin != USERS_ORIGIN and self.outbox is not None else ())
                    row_id = await self.store.append(
                        user_id, change.update, new, change.touched.to_json(), device_id, lease,
                        events=facts,
                    )
                    cached.last_id = row_id
                    cached.size += len(change.update)
                    cached.mark = (lease.through_id, lease.since_snapshot)
                    if lease.since_snapshot >= self.compact_every:
                        state = doc.diff()
                        await self.store.compact(user_id, state, row_id)
                        cached.mark, cached.size = (row_id, 0), len(state)
                    message = SyncMessage(
                        row_id, change.update, [change_payload(c) for c in changes],
                        doc.state_vector(), device_id=device_id,
                    )
            except BaseException:
                # The document may hold a change the database rolled back: read it again.
                self._docs.pop(user_id, None)
                raise
        # Both only after commit; neither waits for the other (two Redis round trips at once).
        if facts and self.outbox is not None:
            await asyncio.gather(self.hub.publish(user_id, message.to_json()),
                                 publish_staged(self.outbox))
        else:
            await self.hub.publish(user_id, message.to_json())
        return message

    @staticmethod
    def _facts_for_users(user_id: uuid.UUID, changes: Iterable[SyncChange]) -> list[Event]:
        at = datetime.now(UTC).isoformat()
        facts = []
        for change in changes:
            event = stream_event(user_id, change, at)
            if event is not None:
                kind, event_id, payload = event
                facts.append(Event(type=kind, id=event_id, payload=payload))
        return facts

    @staticmethod
    def _stamp(doc: SyncDoc, device_id: str) -> Hlc:
        clock = Clock(device_id)
        latest = doc.latest_hlc()
        if latest is not None:
            clock.observe(latest)
        return clock.now()

    # -- use cases -------------------------------------------------------------------------

    async def _registered(self, user_id: uuid.UUID, device_id: str) -> None:
        if not await self.devices.is_registered(user_id, device_id):
            raise BadInput("`deviceId` is not one of your registered devices.",
                           field="deviceId", reason="UNKNOWN_DEVICE")

    async def _catalog_titles(self, title_ids: Iterable[str], field_name: str) -> None:
        wanted = {uuid.UUID(title) for title in title_ids}
        if not wanted:
            return
        missing = wanted - await self.titles.known_titles(wanted)
        if missing:
            raise BadInput("The title id names no catalog title.", field=field_name,
                           reason="UNKNOWN_TITLE")

    def _writer(self, device_id: str) -> Writer:
        return Writer(device_id, _now_ms(), self.limits.max_drift_ms)

    async def apply_update(self, user_id: uuid.UUID, device_id: str, update: bytes) -> SyncMessage:
        """A device's own CRDT update; refused whole when it breaks the document's schema."""
        if len(update) > MAX_UPDATE_BYTES:
            raise InvalidSyncInput(
                f"An update is at most {MAX_UPDATE_BYTES} bytes.", "UPDATE_TOO_LARGE"
            )
        await self._registered(user_id, device_id)

        async def op(doc: SyncDoc) -> Change:
            try:
                checked = doc.check(update, self._writer(device_id))
            except InvalidUpdate as error:
                raise InvalidSyncInput(f"Refused update: {error}.", error.reason) from None
            await self._catalog_titles(checked.added_titles, "update")
            before = doc.view_of(checked.touched)
            accepted = checked.update
            if accepted:
                doc.merge(accepted)
            if checked.new_clients:
                accepted = merge_updates(
                    accepted, doc.claim_clients(checked.new_clients, device_id)
                )
            return Change(accepted, checked.touched, before)

        return await self._write(user_id, device_id, op)

    async def add_to_watchlist(self, user_id: uuid.UUID, device_id: str, title_id: uuid.UUID
                               ) -> SyncMessage:
        await self._registered(user_id, device_id)
        await self._catalog_titles([str(title_id)], "titleId")
        return await self._write(user_id, device_id, lambda doc: doc.add_to_watchlist(
            str(title_id), self._stamp(doc, device_id)))

    async def remove_from_watchlist(self, user_id: uuid.UUID, device_id: str,
                                    title_id: uuid.UUID) -> SyncMessage:
        await self._registered(user_id, device_id)
        return await self._write(user_id, device_id, lambda doc: doc.remove_from_watchlist(
            str(title_id), self._stamp(doc, device_id)))

    async def report_progress(self, user_id: uuid.UUID, device_id: str, title_id: uuid.UUID,
                              position: int, duration: int) -> SyncMessage:
        if duration <= 0 or not 0 <= position <= duration:
            raise BadInput(
                f"`positionSeconds` must be between 0 and `durationSeconds` ({duration}), "
                f"which must be positive.", field="positionSeconds",
            )
        await self._registered(user_id, device_id)
        return await self._write(user_id, device_id, lambda doc: doc.report_progress(
            str(title_id), position, duration, self._stamp(doc, device_id)))

    async def set_preference(self, user_id: uuid.UUID, device_id: str, name: str, value: str
                             ) -> SyncMessage:
        await self._registered(user_id, device_id)

        def op(doc: SyncDoc) -> Change:
            try:
                return doc.set_preference(name, value, self._stamp(doc, device_id))
            except InvalidUpdate as error:
                raise BadInput(f"Refused preference: {error}.", field="name") from None

        return await self._write(user_id, device_id, op)

    async def catch_up(self, user_id: uuid.UUID, state_vector: bytes | None) -> SyncMessage:
        """What a device at `state_vector` lacks (everything without one), decoded too."""
        try:
            have = decode_state_vector(state_vector) if state_vector is not None else None
        except InvalidUpdate:
            raise InvalidSyncInput("The state vector does not decode.", "INVALID_STATE_VECTOR"
                                   ) from None
        async with self._lock(user_id):
            cached = await self._refresh(user_id)
            doc, last_id = cached.doc, cached.last_id
            update = doc.diff(state_vector)
            if have is None:
                touched = doc.all_keys()
            else:
                touched = Touched()
                for entry in await self.store.log_since(user_id, 0):
                    if not is_covered(have, entry.clock):
                        touched.merge(lacking(entry.touched, have))
            changes = touched.changes(None, doc.view_of(touched))
            return SyncMessage(
                last_id, update, [change_payload(c) for c in changes], doc.state_vector(),
                catch_up=True,
            )

    # -- facts from the users subgraph -----------------------------------------------------

    async def absorb_user_events(self, events: Iterable[Event]) -> None:
        """`watchlist.changed` and `viewing.recorded` into the users' documents, idempotently.

        Events the users subgraph published because of a sync change (origin "sync") are
        already in the document: taking them again would echo.
        """
        by_user: dict[uuid.UUID, list[Event]] = {}
        for event in events:
            payload = event.payload
            if payload.get("origin") == "sync":
                continue
            try:
                by_user.setdefault(uuid.UUID(str(payload["user_id"])), []).append(event)
            except (KeyError, ValueError):
                continue
        for user_id, user_events in by_user.items():
            await self._write(
                user_id, USERS_ORIGIN, lambda doc, evs=user_events: _absorb(doc, evs),
                origin=USERS_ORIGIN,
            )


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _event_stamp(event: Event) -> Hlc:
    at = str(event.payload.get("at") or event.payload.get("occurred_at") or event.occurred_at)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        moment = datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Hlc(int(moment.timestamp() * 1000), 0, USERS_ORIGIN)


def _absorb(doc: SyncDoc, events: list[Event]) -> Change:
    """Apply users' facts the document does not show yet; one update for the batch.

    The view is read once and kept up to date here: reading it per event made a user's
    seeded history (a hundred viewings) quadratic.
    """
    view = doc.view()
    listed = set(view.watchlist)
    latest = {title: progress.hlc for title, progress in view.progress.items()}
    updates: list[bytes] = []
    touched = Touched()
    for event in events:
        payload = event.payload
        try:
            title = str(uuid.UUID(str(payload["title_id"])))
        except (KeyError, ValueError):
            continue
        stamp = _event_stamp(event)
        change: Change | None = None
        if event.type == "watchlist.changed":
            if payload.get("action") == "added" and title not in listed:
                tag = f"u{uuid.UUID(event.id).hex}" if _is_uuid(event.id) else None
                change = doc.add_to_watchlist(title, stamp, tag=tag)
                listed.add(title)
            elif payload.get("action") == "removed" and title in listed:
                change = doc.remove_from_watchlist(title, stamp)
                listed.discard(title)
        elif event.type == "viewing.recorded" and (title not in latest or latest[title] < stamp):
            fraction = min(1.0, max(0.0, float(payload.get("progress") or 0.0)))
            if payload.get("completed"):
                fraction = 1.0
            change = doc.report_progress(title, round(fraction * 10_000), 10_000, stamp)
            latest[title] = stamp
        if change is not None:
            updates.append(change.update)
            touched.merge(change.touched)
    return Change(merge_updates(*updates) if updates else b"", touched, view)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True

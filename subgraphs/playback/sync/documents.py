"""Users' sync documents as this process holds them: a cache kept in step with the database,
and the one way to write them.

Each process keeps recently used documents in memory. A write takes the user's row lock, reads
the updates other replicas appended since, applies, appends, commits, and only then fans the
update out (Redis pub/sub to sockets) and tells the users subgraph (outbox, Redis streams).
The use cases (`services`) decide what a write may do; this module makes it durable.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from subgraphs.common.events import Event
from subgraphs.common.outbox import Outbox, publish_staged
from subgraphs.playback.sync.adapters.store import SyncStore, WriteLease
from subgraphs.playback.sync.domain.changes import Change, SyncChange, Touched
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.errors import InvalidSyncInput
from subgraphs.playback.sync.domain.events import change_payload, stream_event
from subgraphs.playback.sync.domain.log import lacking
from subgraphs.playback.sync.domain.state_vector import is_covered
from subgraphs.playback.sync.messages import SyncMessage

__all__ = ["COMPACT_EVERY", "QUOTA_BYTES", "USERS_ORIGIN", "Hub", "SyncDocuments"]

COMPACT_EVERY = 50
# The most a user's document may hold, encoded (`MG_PLAYBACK_SYNC_QUOTA_BYTES` sets it in the app).
QUOTA_BYTES = 512 * 1024
_CACHE_SIZE = 10_000
# The writer (and clock node) of what the users subgraph's events bring in.
USERS_ORIGIN = "users"


class Hub(Protocol):
    async def publish(self, user_id: uuid.UUID, message: Mapping[str, Any]) -> None: ...


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


class SyncDocuments:
    def __init__(
        self, store: SyncStore, hub: Hub, outbox: Outbox | None = None, *,
        compact_every: int = COMPACT_EVERY, quota_bytes: int = QUOTA_BYTES,
    ) -> None:
        self.store = store
        self.hub = hub
        # Sync facts for the users subgraph are staged with the update that makes them.
        self.outbox = outbox
        self.compact_every = compact_every
        self.quota_bytes = quota_bytes
        self._docs: OrderedDict[uuid.UUID, _Cached] = OrderedDict()
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}

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

    async def write(
        self, user_id: uuid.UUID, device_id: str | None,
        op: Callable[[SyncDoc], Change | Awaitable[Change]],
        origin: str | None = None,
    ) -> SyncMessage:
        """Run `op` on the user's current document under the row lock and keep what it made;
        `origin` USERS_ORIGIN marks facts from the users subgraph (no quota, not sent back)."""
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
                            and cached.size + len(change.update) > self.quota_bytes):
                        raise InvalidSyncInput(
                            f"The sync document would hold more than {self.quota_bytes} "
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

    async def catch_up(
        self, user_id: uuid.UUID, state_vector: bytes | None, have: Mapping[int, int] | None
    ) -> SyncMessage:
        """What a device at `state_vector` (decoded: `have`) lacks; everything without one."""
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

"""Progress of account deletions in Redis: which subgraphs have confirmed erasing the user.

The account is gone from the database at once; this is what answers "is it done?" to the
holder of the deletion's receipt (the user can no longer sign in). Kept 30 days; the receipt
is stored hashed, and the user id only until every subgraph has answered.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from subgraphs.common.erasure import ERASERS, USER_ERASED
from subgraphs.common.events import Event, EventBus, mark_erased

__all__ = ["DeletionProgress", "DeletionTracker", "start_erasure_confirmations"]

KEEP_SECONDS = 30 * 24 * 3600
GROUP = "users.erasure"


def _digest(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


@dataclass(frozen=True)
class DeletionProgress:
    requested_at: str
    erased_in: tuple[str, ...]
    pending_in: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.pending_in


class DeletionTracker:
    def __init__(self, redis: Redis, prefix: str = "account-deletion",
                 erasers: Sequence[str] = ERASERS) -> None:
        self.redis = redis
        self.prefix = prefix
        self.erasers = tuple(erasers)

    def _receipt_key(self, receipt_hash: str) -> str:
        return f"{self.prefix}:receipt:{receipt_hash}"

    def _user_key(self, user_id: uuid.UUID) -> str:
        return f"{self.prefix}:user:{user_id}"

    async def start(self, user_id: uuid.UUID, receipt: str, requested_at: str) -> None:
        receipt_hash = _digest(receipt)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._receipt_key(receipt_hash), mapping={"requested_at": requested_at})
            pipe.expire(self._receipt_key(receipt_hash), KEEP_SECONDS)
            pipe.set(self._user_key(user_id), receipt_hash, ex=KEEP_SECONDS)
            await pipe.execute()

    async def mark_erased(self, user_id: uuid.UUID) -> None:
        """After the deletion committed: events of the user still on their way are dropped."""
        await mark_erased(self.redis, user_id)

    async def confirm(self, user_id: uuid.UUID, subgraph: str) -> None:
        raw = await self.redis.get(self._user_key(user_id))
        if raw is None:
            return  # not one of ours (or long ago): nothing to count
        key = self._receipt_key(raw.decode() if isinstance(raw, bytes) else str(raw))
        await self.redis.hset(key, f"erased:{subgraph}", "1")
        if not (await self.progress_of(key)).pending_in:
            await self.redis.delete(self._user_key(user_id))

    async def progress(self, receipt: str) -> DeletionProgress | None:
        key = self._receipt_key(_digest(receipt))
        if not await self.redis.exists(key):
            return None
        return await self.progress_of(key)

    async def progress_of(self, key: str) -> DeletionProgress:
        fields = {(k.decode() if isinstance(k, bytes) else k): v
                  for k, v in (await self.redis.hgetall(key)).items()}
        requested = fields.get("requested_at", b"")
        erased = tuple(s for s in self.erasers if f"erased:{s}" in fields)
        return DeletionProgress(
            requested_at=requested.decode() if isinstance(requested, bytes) else str(requested),
            erased_in=erased, pending_in=tuple(s for s in self.erasers if s not in erased))


def start_erasure_confirmations(bus: EventBus, tracker: DeletionTracker,
                                stop: asyncio.Event) -> asyncio.Task[None]:
    """Counts the subgraphs' `user.erased` answers."""

    async def handle(events: list[Event]) -> None:
        for event in events:
            try:
                user_id = uuid.UUID(str(event.payload["user_id"]))
                subgraph = str(event.payload["subgraph"])
            except (KeyError, TypeError, ValueError):
                continue
            await tracker.confirm(user_id, subgraph)

    return asyncio.create_task(bus.consume(USER_ERASED, GROUP, handle, stop),
                               name=f"consume:{USER_ERASED}")

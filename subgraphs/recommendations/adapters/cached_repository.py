"""The repository with what requests read kept in memory until it changes.

A list or a personal score needs the user's whole history, feedback, taste and adapter: four
reads that cost most of a request. Every write of those moves the user's stamp in the same
transaction (`TortoiseRecommendationsRepository._bump`), so one read of the stamp tells whether
the copy held here is current, on every replica. Titles' catalog facts (name, genres, age
rating, offers) are held against the catalog's stamp and profiles' limits against the profiles'
stamp, both read at most once a `catalog_poll`; titles' viewing counters may lag by up to
`counters_ttl`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from cachetools import Cache, LRUCache, TTLCache

from subgraphs.recommendations.adapters.repository import (
    CATALOG,
    PROFILES,
    TortoiseRecommendationsRepository,
)
from subgraphs.recommendations.domain.engine.adapter import AdapterState
from subgraphs.recommendations.domain.model import ProfileLimits, TitleSignal
from subgraphs.recommendations.domain.recommender import UserFacts

__all__ = ["CachedRecommendationsRepository", "UserSnapshot"]

_ABSENT = object()


@dataclass(frozen=True)
class UserSnapshot:
    """A user's facts and adapter as of `stamp` (None: nothing was ever written for them)."""

    facts: UserFacts
    state: AdapterState | None
    stamp: int | None


class CachedRecommendationsRepository(TortoiseRecommendationsRepository):
    def __init__(self, users: int = 20_000, titles: int = 100_000, catalog_poll: float = 1.0,
                 counters_ttl: float = 60.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        super().__init__()
        self._users: LRUCache[uuid.UUID, UserSnapshot] = LRUCache(maxsize=users)
        self._titles: TTLCache[uuid.UUID, object] = TTLCache(maxsize=titles, ttl=counters_ttl,
                                                             timer=clock)
        self._profiles: LRUCache[uuid.UUID, object] = LRUCache(maxsize=users)
        self._clock = clock
        self._catalog_poll = catalog_poll
        # When the shared stamps were last read, and what they were.
        self._polled: tuple[float, dict[uuid.UUID, int]] | None = None
        # One load per user and stamp, however many requests ask at once (content's search
        # sends its candidates in parallel chunks).
        self._loading: dict[tuple[uuid.UUID, int | None], asyncio.Future[UserSnapshot]] = {}

    async def erase_user(self, user_id: uuid.UUID) -> None:
        await super().erase_user(user_id)
        self._users.pop(user_id, None)

    async def snapshots(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, UserSnapshot]:
        wanted = list(dict.fromkeys(ids))
        stamps = await self.stamps(wanted)
        found: dict[uuid.UUID, UserSnapshot] = {}
        waiting: dict[uuid.UUID, asyncio.Future[UserSnapshot]] = {}
        stale: list[uuid.UUID] = []
        for user_id in wanted:
            stamp = stamps.get(user_id)
            held = self._users.get(user_id)
            if held is not None and held.stamp == stamp:
                found[user_id] = held
            elif (user_id, stamp) in self._loading:
                waiting[user_id] = self._loading[user_id, stamp]
            else:
                stale.append(user_id)
        if stale:
            found.update(await self._load(stale, stamps))
        for user_id, pending in waiting.items():
            found[user_id] = await asyncio.shield(pending)
        return found

    async def snapshot(self, user_id: uuid.UUID) -> UserSnapshot:
        return (await self.snapshots([user_id]))[user_id]

    async def _load(self, ids: list[uuid.UUID], stamps: dict[uuid.UUID, int]
                    ) -> dict[uuid.UUID, UserSnapshot]:
        loop = asyncio.get_running_loop()
        keys = [(user_id, stamps.get(user_id)) for user_id in ids]
        futures = {key: loop.create_future() for key in keys}
        self._loading.update(futures)
        try:
            # Side by side: on PostgreSQL each read takes its own pooled connection.
            interactions, feedback, tastes, states = await asyncio.gather(
                self.interactions_by_users(ids), self.feedback_by_users(ids),
                self.tastes_by_users(ids), self.states_by_users(ids))
        except BaseException as error:
            for future in futures.values():
                future.set_exception(error)
                future.exception()  # retrieved: nobody else may be waiting
            raise
        finally:
            for key in keys:
                self._loading.pop(key, None)
        loaded = {}
        for user_id, stamp in keys:
            snapshot = UserSnapshot(
                UserFacts(interactions.get(user_id, []), feedback.get(user_id, []),
                          tastes.get(user_id)),
                states.get(user_id), stamp)
            self._users[user_id] = loaded[user_id] = snapshot
            futures[user_id, stamp].set_result(snapshot)
        return loaded

    async def signals_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, TitleSignal]:
        await self._poll_stamps()
        return await self._held(self._titles, ids, super().signals_by_ids)  # type: ignore[arg-type]

    async def remember_profiles(self, profiles: Sequence[ProfileLimits]) -> int:
        stored = await super().remember_profiles(profiles)
        self._profiles.clear()  # other replicas see the stamp move within `catalog_poll`
        return stored

    async def profiles_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProfileLimits]:
        await self._poll_stamps()
        return await self._held(self._profiles, ids,  # type: ignore[arg-type]
                                super().profiles_by_ids)

    @staticmethod
    async def _held(cache: Cache[uuid.UUID, object], ids: Sequence[uuid.UUID],
                    fetch: Callable[[list[uuid.UUID]], Awaitable[dict[uuid.UUID, object]]]
                    ) -> dict[uuid.UUID, object]:
        """What `cache` holds of `ids`, the rest fetched (an id that names nothing is held as
        absent too)."""
        found: dict[uuid.UUID, object] = {}
        missing = []
        for key in set(ids):
            held = cache.get(key)
            if held is None:
                missing.append(key)
            elif held is not _ABSENT:
                found[key] = held
        if missing:
            fetched = await fetch(missing)
            for key in missing:
                value = fetched.get(key)
                cache[key] = _ABSENT if value is None else value
            found.update(fetched)
        return found

    async def _poll_stamps(self) -> None:
        now = self._clock()
        if self._polled is not None and now - self._polled[0] < self._catalog_poll:
            return
        stamps = await self.stamps([CATALOG, PROFILES])
        before = self._polled[1] if self._polled is not None else None
        if before is None or before.get(CATALOG) != stamps.get(CATALOG):
            self._titles.clear()
        if before is None or before.get(PROFILES) != stamps.get(PROFILES):
            self._profiles.clear()
        self._polled = (now, stamps)

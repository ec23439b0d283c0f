"""Ends live subscriptions whose sign-in was revoked or signed out, within seconds.

The router refuses a revoked token at the next request, but a socket opened before lives on:
each subscription registers its token here, and one task per process asks Redis every few
seconds, for all of them in one round trip, whether any was revoked (`<prefix>:revoked:<jti>`)
or its user signed out everywhere since it was issued (`<prefix>:signed-out:<sub>`), the keys
the users service writes and `router/revocation.ts` reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.common.auth import Viewer
from subgraphs.common.errors import Unauthenticated

__all__ = ["SignInEnded", "SignInWatch", "Watched", "within_sign_in"]

T = TypeVar("T")
EXPIRED = "The token expired: subscribe again with a fresh one."
REVOKED = "This sign-in has been revoked; sign in again."

logger = logging.getLogger("mediagateway.sign_ins")

_CHUNK = 1_000


@dataclass(eq=False)
class Watched:
    token_id: str
    user_id: uuid.UUID
    issued_at: float | None
    revoked: bool = False
    # The subscription's wait for its next event: cut short when the sign-in is revoked.
    timeout: asyncio.Timeout | None = None

    def revoke(self) -> None:
        self.revoked = True
        if self.timeout is not None and not self.timeout.expired():
            self.timeout.reschedule(asyncio.get_running_loop().time())


class SignInWatch:
    def __init__(self, redis: Redis, every_s: float = 5.0, prefix: str = "oauth") -> None:
        self.redis = redis
        self.every_s = every_s
        self.prefix = prefix
        self._watched: set[Watched] = set()

    @contextlib.contextmanager
    def watching(self, viewer: Viewer) -> Iterator[Watched | None]:
        """None for a caller without a token id (nothing to revoke)."""
        if viewer.token_id is None or viewer.user_id is None:
            yield None
            return
        watched = Watched(viewer.token_id, viewer.user_id, viewer.issued_at)
        self._watched.add(watched)
        try:
            yield watched
        finally:
            self._watched.discard(watched)

    async def check(self) -> int:
        """One look at Redis for every live subscription; returns how many were revoked."""
        live = [w for w in self._watched if not w.revoked]
        revoked = 0
        for start in range(0, len(live), _CHUNK):
            chunk = live[start:start + _CHUNK]
            users = sorted({str(w.user_id) for w in chunk})
            keys = [f"{self.prefix}:revoked:{w.token_id}" for w in chunk]
            keys += [f"{self.prefix}:signed-out:{u}" for u in users]
            found = await self.redis.mget(keys)
            signed_out = {u: float(v) for u, v in zip(users, found[len(chunk):], strict=True)
                          if v is not None}
            for watched, by_id in zip(chunk, found[:len(chunk)], strict=True):
                cutoff = signed_out.get(str(watched.user_id))
                before_cutoff = (cutoff is not None and watched.issued_at is not None
                                 and watched.issued_at < cutoff)
                if by_id is not None or before_cutoff:
                    watched.revoke()
                    revoked += 1
        return revoked

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every_s)
            if stop.is_set():
                return
            try:
                if revoked := await self.check():
                    logger.info("ended %d subscriptions of revoked sign-ins", revoked)
            except (RedisError, OSError) as error:
                # As at the router: while Redis is away, tokens still end at expiry.
                logger.warning("revocation check failed: %s", error)


class SignInEnded(Unauthenticated):
    """A live subscription's token expired or was revoked."""


async def within_sign_in(next_item: Awaitable[T], expires_at: float | None,
                         watched: Watched | None) -> T:
    """`next_item`, unless the token expires or its sign-in is revoked first (SignInEnded)."""
    timeout = None if expires_at is None else expires_at - time.time()
    ended = REVOKED if watched is not None and watched.revoked else (
        EXPIRED if timeout is not None and timeout <= 0 else None)
    if ended is not None:
        close = getattr(next_item, "close", None)
        if close is not None:
            close()  # never awaited: say so to nobody
        raise SignInEnded(ended)
    try:
        async with asyncio.timeout(timeout) as deadline:
            if watched is not None:
                watched.timeout = deadline
            return await next_item
    except TimeoutError:
        raise SignInEnded(REVOKED if watched is not None and watched.revoked
                          else EXPIRED) from None
    finally:
        if watched is not None:
            watched.timeout = None

"""The watch that ends live subscriptions of revoked sign-ins, against a real Redis."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from redis.asyncio import Redis

from subgraphs.common.auth import Viewer
from subgraphs.common.sign_in_watch import SignInEnded, SignInWatch, within_sign_in


def _viewer(user: uuid.UUID, issued_at: float) -> Viewer:
    return Viewer(user_id=user, token_id=uuid.uuid4().hex, issued_at=issued_at,
                  expires_at=time.time() + 3600)


async def test_revoked_and_signed_out_sign_ins_are_found_in_one_look(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    watch = SignInWatch(redis)
    alice, bob = uuid.uuid4(), uuid.uuid4()
    now = time.time()
    revoked, old, fresh = _viewer(alice, now), _viewer(bob, now - 60), _viewer(bob, now + 5)
    with watch.watching(revoked) as a, watch.watching(old) as b, watch.watching(fresh) as c, \
            watch.watching(Viewer()) as anonymous:
        assert anonymous is None and a and b and c
        assert await watch.check() == 0
        await redis.set(f"oauth:revoked:{revoked.token_id}", 1)
        await redis.set(f"oauth:signed-out:{bob}", int(now))  # tokens issued before now
        assert await watch.check() == 2
        assert (a.revoked, b.revoked, c.revoked) == (True, True, False)
    await redis.aclose()


async def test_a_waiting_subscription_ends_when_its_sign_in_is_revoked(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    watch = SignInWatch(redis, every_s=0.05)
    viewer = _viewer(uuid.uuid4(), time.time())
    stop = asyncio.Event()
    runner = asyncio.create_task(watch.run(stop))
    never: asyncio.Queue[int] = asyncio.Queue()
    with watch.watching(viewer) as watched:
        waiting = asyncio.create_task(within_sign_in(never.get(), viewer.expires_at, watched))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await redis.set(f"oauth:revoked:{viewer.token_id}", 1)
        with pytest.raises(SignInEnded, match="revoked"):
            await asyncio.wait_for(waiting, 5)
        # And at once on the next wait.
        with pytest.raises(SignInEnded, match="revoked"):
            await within_sign_in(never.get(), viewer.expires_at, watched)
    # An expired token ends too, revoked or not.
    with pytest.raises(SignInEnded, match="expired"):
        await within_sign_in(never.get(), time.time() - 1, None)
    stop.set()
    await asyncio.wait_for(runner, 5)
    await redis.aclose()

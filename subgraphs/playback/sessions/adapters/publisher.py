"""Playback updates out to Redis: a stream for other subgraphs, a channel per user for sockets."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.common.events import Event
from subgraphs.common.outbox import Outbox, publish_staged, stage
from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.playback.facts.domain.model import OfferFact
from subgraphs.playback.live.fanout import publish_json
from subgraphs.playback.live.hub import SyncHub
from subgraphs.playback.sessions.domain.events import PlaybackUpdated
from subgraphs.playback.sessions.domain.model import PlaybackSession, PlaybackState
from subgraphs.playback.sessions.domain.offers import ChosenOffer

__all__ = [
    "PlaybackFeed",
    "PlaybackPublisher",
    "RedisPlaybackFeed",
    "RedisPlaybackPublisher",
    "channel_for",
    "session_from_payload",
]

logger = logging.getLogger("mediagateway.playback")


def channel_for(user_id: uuid.UUID) -> str:
    return f"playback:user:{user_id}"


def _offer_from_payload(title_id: uuid.UUID, raw: Mapping[str, Any] | None) -> ChosenOffer | None:
    if not raw:
        return None
    price = raw.get("price")
    offer = OfferFact(
        # What a session keeps of its offer: the quality it plays, not the offer's best.
        title_id=title_id, platform=raw["platform"], region="", type=OfferType(raw["type"]),
        price=Decimal(price) if price else None,
        currency=raw.get("currency"), deep_link=raw.get("deep_link"), web_url=raw.get("web_url"),
    )
    return ChosenOffer(offer, VideoQuality(raw["quality"]), bool(raw.get("included")))


def session_from_payload(payload: Mapping[str, Any]) -> PlaybackSession:
    title_id = uuid.UUID(payload["title_id"])
    return PlaybackSession(
        id=uuid.UUID(payload["session_id"]),
        user_id=uuid.UUID(payload["user_id"]),
        device_id=uuid.UUID(payload["device_id"]),
        title_id=title_id,
        position_seconds=int(payload["position_seconds"]),
        duration_seconds=int(payload["duration_seconds"]),
        state=PlaybackState(payload["state"]),
        updated_at=datetime.fromisoformat(payload["at"]),
        offer=_offer_from_payload(title_id, payload.get("offer")),
    )


class PlaybackPublisher(Protocol):
    async def stage(self, event: PlaybackUpdated) -> None:
        """Inside the write's transaction: its stream event waits in the outbox."""

    async def publish(self, event: PlaybackUpdated) -> None:
        """After the commit: what was staged goes out, and the user's sockets are told."""


class PlaybackFeed(Protocol):
    def updates(self, user_id: uuid.UUID) -> AsyncIterator[PlaybackSession]: ...


class RedisPlaybackPublisher:
    """`playback.updated` to its stream through the outbox (other subgraphs must get every
    one), and to a channel per user for open sockets (live only: a socket that misses one
    reads the session)."""

    def __init__(self, outbox: Outbox, redis: Redis) -> None:
        self.outbox = outbox
        self.redis = redis

    async def stage(self, event: PlaybackUpdated) -> None:
        await stage([Event(type=PlaybackUpdated.TYPE, payload=event.payload())])

    async def publish(self, event: PlaybackUpdated) -> None:
        await publish_staged(self.outbox)
        try:
            await publish_json(self.redis, channel_for(event.session.user_id), event.payload())
        except (RedisError, OSError):
            # The write is done and must be reported so; the relay sends the stream event.
            logger.warning("telling the user's sockets of a playback update failed")


class RedisPlaybackFeed:
    """A user's playback updates as they are published, for as long as the caller listens.

    One Redis subscription per process and user, shared by all local sockets (`SyncHub`):
    a pub/sub connection per socket would not hold a thousand devices.
    """

    def __init__(self, redis: Redis) -> None:
        self.hub = SyncHub(redis, channel=channel_for)

    async def updates(self, user_id: uuid.UUID) -> AsyncIterator[PlaybackSession]:
        async with self.hub.listen(user_id, decode=session_from_payload) as queue:
            while True:
                yield await queue.get()

    async def close(self) -> None:
        await self.hub.close()

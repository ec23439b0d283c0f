"""Helpers to publish the events the recommendations subgraph projects, and wait for them."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from redis import Redis

from subgraphs.common.events import Event

__all__ = ["publish", "title_event", "viewing_event", "wait_absorbed"]

GROUP = "recommendations"


def title_event(
    title_id: uuid.UUID, genres: list[str], votes: int, average: float | None
) -> Event:
    return Event(
        type="title.upserted",
        payload={
            "title_id": str(title_id), "title": f"Title {title_id.hex[:6]}", "kind": "movie",
            "release_year": 1999, "genres": genres, "popularity": float(votes) / 10,
            "average_rating": average, "vote_count": votes,
        },
    )


def viewing_event(
    user_id: uuid.UUID, title_id: uuid.UUID, rating: int | None, event_id: str | None = None
) -> Event:
    return Event(
        type="viewing.recorded",
        payload={
            "event_id": event_id or str(uuid.uuid4()), "user_id": str(user_id),
            "title_id": str(title_id), "progress": 1.0, "completed": True, "rating": rating,
            "occurred_at": datetime.now(UTC).isoformat(),
        },
    )


def publish(redis: Redis, events: list[Event]) -> None:
    for event in events:
        redis.xadd(event.type, event.encode())  # type: ignore[arg-type]


def _group(redis: Redis, stream: str) -> dict[str, Any] | None:
    for group in redis.xinfo_groups(stream):  # type: ignore[union-attr]
        if group["name"] in (GROUP, GROUP.encode()):
            return group
    return None


def wait_absorbed(redis: Redis, streams: list[str], timeout: float = 20.0) -> None:
    """Until the group has been handed every event of `streams` and acknowledged them all."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = True
        for stream in streams:
            last = redis.xinfo_stream(stream)["last-generated-id"]
            group = _group(redis, stream)
            if group is None or group["last-delivered-id"] != last or group["pending"]:
                done = False
        if done:
            return
        time.sleep(0.05)
    raise TimeoutError(f"recommendations did not absorb {streams} in {timeout}s")

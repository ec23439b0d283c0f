"""Playback sessions into charts: `playback.updated`, read by charts' own consumer group."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from subgraphs.common import contracts
from subgraphs.common.events import Event, EventBus, EventHandler
from subgraphs.recommendations.charts import services
from subgraphs.recommendations.charts.domain.model import Play
from subgraphs.recommendations.charts.domain.ports import ChartsRepository

__all__ = ["GROUP", "STREAMS", "handler", "play_from_payload", "start_consumers"]

GROUP = "recommendations.charts"
STREAMS = (contracts.PLAYBACK_UPDATED.name,)


def play_from_payload(payload: Mapping[str, Any]) -> Play | None:
    """The session as a play on its offer's platform; None without an offer (nothing to
    chart: the catalog listed none for the viewer's region)."""
    offer = payload.get("offer")
    if not offer or not offer.get("platform"):
        return None
    at = datetime.fromisoformat(str(payload["at"]))
    return Play(
        session_id=uuid.UUID(str(payload["session_id"])),
        user_id=uuid.UUID(str(payload["user_id"])),
        title_id=uuid.UUID(str(payload["title_id"])),
        platform=str(offer["platform"]).lower(),
        at=(at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp(),
    )


def _plays(events: list[Event]) -> list[Play]:
    plays = []
    for event in events:
        try:
            play = play_from_payload(event.payload)
        except (KeyError, TypeError, ValueError):
            continue  # malformed: skipped, so it cannot block the stream
        if play is not None:
            plays.append(play)
    return plays


def handler(repo: ChartsRepository) -> EventHandler:
    """Every session is stored once, whatever its later events and redeliveries say."""

    async def on_playback(events: list[Event]) -> None:
        await services.absorb_plays(repo, _plays(events))

    return on_playback


def start_consumers(bus: EventBus, repo: ChartsRepository, stop: asyncio.Event
                    ) -> list[asyncio.Task[None]]:
    return [asyncio.create_task(
        bus.consume(contracts.PLAYBACK_UPDATED.name, GROUP, handler(repo), stop),
        name=f"charts:consume:{contracts.PLAYBACK_UPDATED.name}")]

"""Facts devices changed through playback's sync, taken into the users subgraph's own records.

Playback publishes `sync.watchlist_changed` and `sync.progress_reported`; this subgraph stays the
owner of watchlist and viewing history, so it applies them here (idempotently: a redelivery adds
nothing) and republishes its own `watchlist.changed` / `viewing.recorded` marked `origin: sync`,
which playback skips, so a change never echoes back.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from subgraphs.common import contracts
from subgraphs.common.errors import DomainError
from subgraphs.common.events import Event, EventBus
from subgraphs.users import events, services
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.domain.model import ViewingEvent

__all__ = ["GROUP", "STREAMS", "absorb", "start_sync_consumers"]

logger = logging.getLogger("mediagateway.users")

GROUP = "users.sync"
SYNC_WATCHLIST_CHANGED = contracts.SYNC_WATCHLIST_CHANGED.name
SYNC_PROGRESS_REPORTED = contracts.SYNC_PROGRESS_REPORTED.name
STREAMS = (SYNC_WATCHLIST_CHANGED, SYNC_PROGRESS_REPORTED)
ORIGIN = "sync"


def _moment(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _absorb_watchlist(repo: UsersRepository, outbox: services.Outbox, event: Event
                            ) -> None:
    payload = event.payload
    user_id = uuid.UUID(str(payload["user_id"]))
    title_id = uuid.UUID(str(payload["title_id"]))
    if payload.get("action") == "added":
        await services.add_to_watchlist(repo, outbox, user_id, title_id, origin=ORIGIN)
    elif payload.get("action") == "removed":
        await services.remove_from_watchlist(repo, outbox, user_id, title_id, origin=ORIGIN)


def _viewing(event: Event) -> ViewingEvent:
    payload = event.payload
    return ViewingEvent.record(
        id=uuid.UUID(str(payload["event_id"])),
        user_id=uuid.UUID(str(payload["user_id"])),
        title_id=uuid.UUID(str(payload["title_id"])),
        progress=min(1.0, max(0.0, float(payload["progress"]))),
        position_seconds=int(payload["position_seconds"]),
        completed=bool(payload.get("completed")),
        occurred_at=_moment(payload.get("at")),
    )


async def absorb(repo: UsersRepository, outbox: services.Outbox, batch: list[Event]) -> None:
    viewings: list[ViewingEvent] = []
    for event in batch:
        try:
            if event.type == SYNC_WATCHLIST_CHANGED:
                await _absorb_watchlist(repo, outbox, event)
            else:
                viewings.append(_viewing(event))
        except (KeyError, TypeError, ValueError, DomainError):
            logger.warning("skipping malformed %s event %s", event.type, event.id)
    if not viewings:
        return
    # One transaction for the batch's viewings, each with its event: a redelivered one is
    # refused alone (recorded and staged the first time), the others are stored.
    outcomes = await repo.add_viewings(
        [(v, [events.viewing_recorded(v, origin=ORIGIN)]) for v in viewings])
    for outcome in outcomes:
        if outcome is not None and not isinstance(outcome, IntegrityError):
            raise outcome  # the database is away: the batch is not acknowledged, and comes back
    if any(outcome is None for outcome in outcomes):
        await services.publish_staged(outbox)


def start_sync_consumers(
    bus: EventBus, repo: UsersRepository, outbox: services.Outbox, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    async def handle(batch: list[Event]) -> None:
        await absorb(repo, outbox, batch)

    return [
        asyncio.create_task(bus.consume(stream, GROUP, handle, stop), name=f"users:{stream}")
        for stream in STREAMS
    ]

"""Account deletion across subgraphs: the contract every subgraph follows.

The users subgraph deletes the account and announces `user.deleted` (through its outbox, so a
committed deletion is always announced). Every other subgraph deletes what it holds of the
user and answers `user.erased` naming itself; users counts the answers until all are in. The
erasure is idempotent, so a redelivered announcement erases nothing more and answers again.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from subgraphs.common import contracts
from subgraphs.common.contracts import ERASERS
from subgraphs.common.events import Event, EventBus
from subgraphs.common.ids import stable_id

__all__ = ["ERASERS", "USER_DELETED", "USER_ERASED", "start_erasure", "user_deleted",
           "user_erased"]

logger = logging.getLogger("mediagateway.erasure")

USER_DELETED = contracts.USER_DELETED.name
USER_ERASED = contracts.USER_ERASED.name

Erase = Callable[[uuid.UUID], Awaitable[None]]


def user_deleted(user_id: uuid.UUID, at: datetime | None = None) -> Event:
    return Event(type=USER_DELETED, id=str(stable_id(USER_DELETED, user_id)),
                 occurred_at=(at or datetime.now(UTC)).isoformat(),
                 payload={"user_id": str(user_id)})


def user_erased(user_id: uuid.UUID, subgraph: str) -> Event:
    return Event(type=USER_ERASED, id=str(stable_id(USER_ERASED, user_id, subgraph)),
                 payload={"user_id": str(user_id), "subgraph": subgraph})


def start_erasure(bus: EventBus, subgraph: str, erase: Erase,
                  stop: asyncio.Event) -> asyncio.Task[None]:
    """Consume `user.deleted` as `subgraph`: erase, then confirm. A failing erase raises, so
    the event stays pending and comes back."""

    async def handle(events: list[Event]) -> None:
        for event in events:
            try:
                user_id = uuid.UUID(str(event.payload["user_id"]))
            except (KeyError, TypeError, ValueError):
                logger.warning("skipping malformed %s event %s", event.type, event.id)
                continue
            # Before erasing: events of the user still on their way are dropped from now on
            # (users marks it too; this covers a Redis that was away at the deletion).
            await bus.mark_erased(user_id)
            await erase(user_id)
            await bus.publish(user_erased(user_id, subgraph))
            logger.info("erased user %s from %s", user_id, subgraph)

    return asyncio.create_task(bus.consume(USER_DELETED, subgraph, handle, stop),
                               name=f"consume:{USER_DELETED}")

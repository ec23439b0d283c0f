"""Which ids are catalog titles, as far as the users subgraph knows: its own projection of
content's `title.upserted` events (group `users.catalog`; users never reads content's tables).

`addToWatchlist` and `recordViewing` refuse an id that is not one (a user's or a device's id
would otherwise be stored as a title and come back as a null `Title`). Changes that devices made
through playback's sync were checked there, against playback's own projection, and are not
checked again: a lag between the two projections must not drop a device's change.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from subgraphs.common import contracts
from subgraphs.common.errors import BadInput
from subgraphs.common.events import Event, EventBus
from subgraphs.users.adapters.orm import TitleFactRow

__all__ = ["GROUP", "TortoiseCatalog", "require_title", "start_catalog_consumer"]

logger = logging.getLogger("mediagateway.users")

GROUP = "users.catalog"
STREAM = contracts.TITLE_UPSERTED.name
_BATCH = 500


class TortoiseCatalog:
    async def save_titles(self, title_ids: Iterable[uuid.UUID], at: datetime) -> None:
        rows = [TitleFactRow(title_id=t, announced_at=at) for t in dict.fromkeys(title_ids)]
        if rows:
            await TitleFactRow.bulk_create(rows, batch_size=_BATCH, on_conflict=["title_id"],
                                           update_fields=["announced_at"])

    async def is_title(self, title_id: uuid.UUID) -> bool:
        return await TitleFactRow.exists(title_id=title_id)


async def require_title(catalog: TortoiseCatalog, title_id: uuid.UUID) -> None:
    if not await catalog.is_title(title_id):
        raise BadInput("The title id names no catalog title.", field="titleId",
                       reason="UNKNOWN_TITLE")


def _title_ids(events: list[Event]) -> list[uuid.UUID]:
    ids = []
    for event in events:
        try:
            ids.append(uuid.UUID(str(event.payload["title_id"])))
        except (KeyError, ValueError):
            logger.warning("skipping malformed %s event %s", event.type, event.id)
    return ids


def start_catalog_consumer(
    bus: EventBus, catalog: TortoiseCatalog, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    async def handle(batch: list[Event]) -> None:
        await catalog.save_titles(_title_ids(batch), datetime.now(UTC))

    return [asyncio.create_task(bus.consume(STREAM, GROUP, handle, stop), name="users:catalog")]

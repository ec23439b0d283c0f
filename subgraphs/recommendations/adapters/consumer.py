"""Turns the events other subgraphs publish into calls to the projection use cases."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from subgraphs.common.events import Event, EventBus, EventHandler
from subgraphs.recommendations import services
from subgraphs.recommendations.adapters.repository import RecommendationsRepository
from subgraphs.recommendations.domain.model import Interaction, TitleFacts, UserTaste

__all__ = [
    "GROUP",
    "STREAMS",
    "handlers",
    "interaction_from_payload",
    "start_consumers",
    "taste_from_payload",
    "title_from_payload",
]

logger = logging.getLogger("mediagateway.recommendations")

GROUP = "recommendations"
STREAMS = ("title.upserted", "viewing.recorded", "user.registered")

T = TypeVar("T")


def title_from_payload(payload: Mapping[str, Any]) -> TitleFacts:
    rating = payload.get("average_rating")
    year = payload.get("release_year")
    return TitleFacts(
        title_id=uuid.UUID(str(payload["title_id"])),
        genres=tuple(str(genre) for genre in payload.get("genres") or ()),
        release_year=int(year) if year is not None else None,
        popularity=float(payload.get("popularity") or 0.0),
        average_rating=float(rating) if rating is not None else None,
        vote_count=int(payload.get("vote_count") or 0),
    )


def interaction_from_payload(payload: Mapping[str, Any], event: Event) -> Interaction:
    rating = payload.get("rating")
    occurred = datetime.fromisoformat(str(payload.get("occurred_at") or event.occurred_at))
    return Interaction(
        event_id=str(payload.get("event_id") or event.id),
        user_id=uuid.UUID(str(payload["user_id"])),
        title_id=uuid.UUID(str(payload["title_id"])),
        rating=int(rating) if rating is not None else None,
        completed=bool(payload.get("completed", False)),
        occurred_at=occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC),
    )


def taste_from_payload(payload: Mapping[str, Any]) -> UserTaste:
    return UserTaste(
        user_id=uuid.UUID(str(payload["user_id"])),
        preferred_genres=tuple(str(g) for g in payload.get("preferred_genres") or ()),
    )


def _decode(events: Sequence[Event], parse: Callable[[Event], T]) -> list[T]:
    """Parse each event; a malformed one is logged and skipped, so it cannot block its stream."""
    parsed = []
    for event in events:
        try:
            parsed.append(parse(event))
        except (KeyError, TypeError, ValueError):
            logger.warning("skipping malformed %s event %s", event.type, event.id)
    return parsed


def handlers(repo: RecommendationsRepository) -> dict[str, EventHandler]:
    """One batch handler per stream; each is idempotent, as at-least-once delivery needs."""

    async def on_titles(events: list[Event]) -> None:
        await services.absorb_titles(repo, _decode(events, lambda e: title_from_payload(e.payload)))

    async def on_viewings(events: list[Event]) -> None:
        await services.absorb_interactions(
            repo, _decode(events, lambda e: interaction_from_payload(e.payload, e))
        )

    async def on_registrations(events: list[Event]) -> None:
        await services.absorb_tastes(repo, _decode(events, lambda e: taste_from_payload(e.payload)))

    return {
        "title.upserted": on_titles,
        "viewing.recorded": on_viewings,
        "user.registered": on_registrations,
    }


def start_consumers(
    bus: EventBus, repo: RecommendationsRepository, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Background tasks reading every stream this subgraph projects; set `stop` to end them."""
    return [
        asyncio.create_task(bus.consume(stream, GROUP, handler, stop), name=f"consume:{stream}")
        for stream, handler in handlers(repo).items()
    ]

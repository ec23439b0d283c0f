"""Turns the events other subgraphs publish into calls to the projection use cases."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from subgraphs.common import contracts
from subgraphs.common.events import Event, EventBus, EventHandler
from subgraphs.common.parental import profile_from_payload
from subgraphs.recommendations import services
from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.domain.model import (
    Interaction,
    TitleFacts,
    UserTaste,
)
from subgraphs.recommendations.domain.ports import RecommendationsRepository

__all__ = [
    "GROUP",
    "STREAMS",
    "handlers",
    "interaction_from_payload",
    "profile_from_payload",
    "start_consumers",
    "taste_from_payload",
    "title_from_payload",
]

logger = logging.getLogger("mediagateway.recommendations")

GROUP = "recommendations"
STREAMS = tuple(c.name for c in (contracts.TITLE_UPSERTED, contracts.VIEWING_RECORDED,
                                  contracts.USER_REGISTERED, contracts.USER_UPDATED,
                                  contracts.PROFILE_CHANGED))

T = TypeVar("T")


def _optional_int(value: object) -> int | None:
    return int(value) if value is not None else None  # type: ignore[call-overload]


def _timestamp(value: object) -> float | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


# The credits that make title-graph edges (same director 0.7, shared cast 0.6): directors,
# writers and the leading actors.
_LEADING_CAST = 8


def people_from_payload(people: object) -> tuple[str, ...]:
    kept = []
    for person in people or ():  # type: ignore[attr-defined]
        role, key = str(person.get("role")), person.get("key")
        if key and (role in ("director", "writer")
                    or (role == "actor" and int(person.get("order") or 0) < _LEADING_CAST)):
            kept.append(f"{role}:{key}")
    return tuple(dict.fromkeys(kept))


def title_from_payload(payload: Mapping[str, Any]) -> TitleFacts:
    rating = payload.get("average_rating")
    offers = payload.get("offers") or ()
    return TitleFacts(
        title_id=uuid.UUID(str(payload["title_id"])),
        genres=tuple(str(genre) for genre in payload.get("genres") or ()),
        release_year=_optional_int(payload.get("release_year")),
        popularity=float(payload.get("popularity") or 0.0),
        average_rating=float(rating) if rating is not None else None,
        vote_count=int(payload.get("vote_count") or 0),
        name=str(payload.get("title") or ""),
        age_rating=_optional_int(payload.get("age_rating")),
        runtime_minutes=_optional_int(payload.get("runtime_minutes")),
        people=people_from_payload(payload.get("people")),
        offers=tuple(sorted({(str(o["region"]).upper(), str(o["platform"]),
                              _timestamp(o.get("available_from"))) for o in offers
                             if o.get("region") and o.get("platform")},
                            key=lambda o: (o[0], o[1]))),
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
        progress=float(payload["progress"]) if payload.get("progress") is not None else None,
    )


def taste_from_payload(payload: Mapping[str, Any]) -> UserTaste:
    region = payload.get("home_region")
    return UserTaste(
        user_id=uuid.UUID(str(payload["user_id"])),
        preferred_genres=tuple(str(g) for g in payload.get("preferred_genres") or ()),
        home_region=str(region).upper()[:2] if region else None,
        subscribed_platforms=tuple(str(p) for p in payload.get("subscribed_platforms") or ()),
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


def handlers(repo: RecommendationsRepository, models: ModelHolder) -> dict[str, EventHandler]:
    """One batch handler per stream; each is idempotent, as at-least-once delivery needs."""

    async def on_titles(events: list[Event]) -> None:
        await services.absorb_titles(repo, _decode(events, lambda e: title_from_payload(e.payload)))

    async def on_viewings(events: list[Event]) -> None:
        await services.absorb_interactions(
            repo, models.model, _decode(events, lambda e: interaction_from_payload(e.payload, e))
        )

    async def on_registrations(events: list[Event]) -> None:
        await services.absorb_tastes(repo, _decode(events, lambda e: taste_from_payload(e.payload)))

    async def on_profiles(events: list[Event]) -> None:
        await services.absorb_profiles(
            repo, _decode(events, lambda e: profile_from_payload(e.payload)))

    return {
        contracts.TITLE_UPSERTED.name: on_titles,
        contracts.VIEWING_RECORDED.name: on_viewings,
        contracts.USER_REGISTERED.name: on_registrations,
        # Same payload shape: the latest preferences, region and platforms win.
        contracts.USER_UPDATED.name: on_registrations,
        contracts.PROFILE_CHANGED.name: on_profiles,
    }


def start_consumers(
    bus: EventBus, repo: RecommendationsRepository, models: ModelHolder, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    """Background tasks reading every stream this subgraph projects; set `stop` to end them."""
    return [
        asyncio.create_task(bus.consume(stream, GROUP, handler, stop), name=f"consume:{stream}")
        for stream, handler in handlers(repo, models).items()
    ]

"""Entry point for other subgraphs' events: parses each and calls the use case that keeps
playback's projections (titles, offers, viewers, watchlists, profiles' parental limits), or
registers the TV that signed in with the device flow (`devices.services`).

Reads through its own consumer group, `playback.facts`, so other consumers inside playback
(`sync.consumers` reads `watchlist.changed` too) each still get every event.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from subgraphs.common import contracts
from subgraphs.common.events import Event, EventBus, EventHandler
from subgraphs.common.parental import PROFILE_CHANGED, profile_from_payload
from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.playback.devices import services as devices
from subgraphs.playback.devices.adapters.repository import DeviceRepository
from subgraphs.playback.facts import services as projections
from subgraphs.playback.facts.adapters.repository import FactsRepository
from subgraphs.playback.facts.domain.model import (
    DEFAULT_REGION,
    AvailabilityChange,
    OfferFact,
    TitleFact,
    ViewerFacts,
    WatchlistChange,
)

__all__ = [
    "GROUP",
    "availability_from_payload",
    "handlers",
    "offers_from_payload",
    "start_consumers",
    "title_from_payload",
    "viewer_from_payload",
    "watchlist_from_payload",
]

logger = logging.getLogger("mediagateway.playback")

GROUP = "playback.facts"
T = TypeVar("T")


def _offer(title_id: uuid.UUID, raw: Mapping[str, Any], type_key: str) -> OfferFact:
    price = raw.get("price")
    quality = raw.get("quality")
    return OfferFact(
        title_id=title_id,
        platform=str(raw["platform"]),
        region=str(raw["region"]).upper(),
        type=OfferType(str(raw[type_key]).lower()),
        quality=VideoQuality(str(quality).lower()) if quality else None,
        price=Decimal(str(price)) if price is not None else None,
        currency=raw.get("currency"),
        deep_link=raw.get("deep_link"),
        web_url=raw.get("web_url"),
        available=bool(raw.get("available", True)),
    )


def offers_from_payload(payload: Mapping[str, Any]) -> tuple[uuid.UUID, list[OfferFact]] | None:
    """A title's offers from `title.upserted`; None when the event lists none (say nothing)."""
    if "offers" not in payload:
        return None
    title_id = uuid.UUID(str(payload["title_id"]))
    return title_id, [_offer(title_id, raw, "type") for raw in payload["offers"] or ()]


def title_from_payload(payload: Mapping[str, Any]) -> TitleFact:
    age_rating = payload.get("age_rating")
    return TitleFact(
        title_id=uuid.UUID(str(payload["title_id"])),
        age_rating=None if age_rating is None else int(age_rating),
        genres=tuple(str(g) for g in payload.get("genres") or ()),
    )


def availability_from_payload(
    payload: Mapping[str, Any], event: Event
) -> AvailabilityChange:
    title_id = uuid.UUID(str(payload["title_id"]))
    at = datetime.fromisoformat(event.occurred_at)
    return AvailabilityChange(
        _offer(title_id, payload, "offer_type"), at if at.tzinfo else at.replace(tzinfo=UTC),
        event_id=str(event.id),
    )


def viewer_from_payload(payload: Mapping[str, Any]) -> ViewerFacts:
    return ViewerFacts(
        user_id=uuid.UUID(str(payload["user_id"])),
        home_region=str(payload.get("home_region") or DEFAULT_REGION).upper(),
        subscribed_platforms=frozenset(str(p) for p in payload.get("subscribed_platforms") or ()),
    )


def watchlist_from_payload(payload: Mapping[str, Any]) -> WatchlistChange:
    at = datetime.fromisoformat(str(payload["at"]))
    return WatchlistChange(
        user_id=uuid.UUID(str(payload["user_id"])),
        title_id=uuid.UUID(str(payload["title_id"])),
        present=payload["action"] == "added",
        at=at if at.tzinfo else at.replace(tzinfo=UTC),
    )


def _decode(events: Sequence[Event], parse: Callable[[Event], T | None]) -> list[T]:
    """Parse each event; a malformed one is logged and skipped, so it cannot block its stream."""
    parsed = []
    for event in events:
        try:
            value = parse(event)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            logger.warning("skipping malformed %s event %s", event.type, event.id)
            continue
        if value is not None:
            parsed.append(value)
    return parsed


def signed_in_from_payload(payload: Mapping[str, Any]) -> tuple[uuid.UUID, str, str]:
    """(user, sign-in id, device name) of a `device.signed_in`."""
    sign_in = str(payload["sign_in_id"])
    uuid.UUID(sign_in)  # malformed otherwise
    return uuid.UUID(str(payload["user_id"])), sign_in, str(payload.get("client_name") or "TV")


def handlers(
    facts: FactsRepository, channel: projections.Notifier, repo: DeviceRepository
) -> dict[str, EventHandler]:
    """One batch handler per stream; each is idempotent, as at-least-once delivery needs."""

    async def on_titles(events: list[Event]) -> None:
        await projections.absorb_titles(
            facts, _decode(events, lambda e: title_from_payload(e.payload))
        )
        await projections.absorb_title_offers(
            facts, _decode(events, lambda e: offers_from_payload(e.payload))
        )

    async def on_availability(events: list[Event]) -> None:
        await projections.absorb_availability(
            facts, channel, _decode(events, lambda e: availability_from_payload(e.payload, e))
        )

    async def on_viewers(events: list[Event]) -> None:
        await projections.absorb_viewers(
            facts, _decode(events, lambda e: viewer_from_payload(e.payload))
        )

    async def on_watchlist(events: list[Event]) -> None:
        await projections.absorb_watchlist(
            facts, _decode(events, lambda e: watchlist_from_payload(e.payload))
        )

    async def on_profiles(events: list[Event]) -> None:
        await projections.absorb_profiles(
            facts, _decode(events, lambda e: profile_from_payload(e.payload))
        )

    async def on_signed_in(events: list[Event]) -> None:
        # A TV that signed in with the device flow (users) becomes one of the user's devices.
        now = datetime.now(UTC)
        for user_id, sign_in, name in _decode(
            events, lambda e: signed_in_from_payload(e.payload)
        ):
            if await devices.register_signed_in_device(repo, user_id, sign_in, name,
                                                       now) is None:
                logger.warning("user %s has the most devices allowed: signed-in TV not added",
                               user_id)

    return {
        contracts.TITLE_UPSERTED.name: on_titles,
        contracts.AVAILABILITY_CHANGED.name: on_availability,
        contracts.USER_REGISTERED.name: on_viewers,
        contracts.USER_UPDATED.name: on_viewers,
        contracts.WATCHLIST_CHANGED.name: on_watchlist,
        contracts.DEVICE_SIGNED_IN.name: on_signed_in,
        PROFILE_CHANGED: on_profiles,
    }


async def _supervised(
    bus: EventBus, stream: str, handler: EventHandler, stop: asyncio.Event
) -> None:
    """Consume until `stop`; a failure outside the handler (Redis gone a moment) is logged and
    the consumer starts again, instead of the projection silently falling behind for good."""
    while not stop.is_set():
        try:
            await bus.consume(stream, GROUP, handler, stop)
        except Exception:
            logger.exception("consumer of %s failed; restarting", stream)
            await asyncio.sleep(1)


def start_consumers(
    bus: EventBus,
    facts: FactsRepository,
    channel: projections.Notifier,
    devices: DeviceRepository,
    stop: asyncio.Event,
) -> list[asyncio.Task[None]]:
    """Background tasks reading every stream playback projects; set `stop` to end them."""
    return [
        asyncio.create_task(_supervised(bus, stream, handler, stop), name=f"consume:{stream}")
        for stream, handler in handlers(facts, channel, devices).items()
    ]

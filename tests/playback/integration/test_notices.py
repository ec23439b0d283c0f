"""`watchlistAvailability` notices: a redelivered `availability.changed` tells nobody twice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.vocabulary import OfferType
from subgraphs.playback.adapters.orm import NoticeRow
from subgraphs.playback.facts import services as projections
from subgraphs.playback.facts.adapters.repository import NOTICE_RETENTION, TortoiseFactsRepository
from subgraphs.playback.facts.domain.model import (
    AvailabilityChange,
    OfferFact,
    ViewerFacts,
    WatchlistChange,
)
from subgraphs.playback.remote.domain.events import DeviceEvent
from subgraphs.playback.settings import MODELS, NAME

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


class Channel:
    def __init__(self) -> None:
        self.sent: list[DeviceEvent] = []

    async def publish(self, event: DeviceEvent) -> None:
        self.sent.append(event)


@pytest.fixture
async def facts(database_url: str) -> AsyncIterator[TortoiseFactsRepository]:
    await migrate(NAME, database_url)
    await open_database(database_url, MODELS)
    try:
        yield TortoiseFactsRepository()
    finally:
        await close_database()


async def test_a_redelivered_event_does_not_notify_again(
    facts: TortoiseFactsRepository,
) -> None:
    fan, other_fan, title = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await facts.save_viewers([ViewerFacts(user, "GB", frozenset({"netflix"}))
                              for user in (fan, other_fan)])
    await facts.apply_watchlist([WatchlistChange(fan, title, True, NOW)])
    offer = OfferFact(title, "netflix", "GB", OfferType.SUBSCRIPTION)
    change = AvailabilityChange(offer, NOW, event_id="event-1")
    channel = Channel()

    told = await projections.absorb_availability(facts, channel, [change])
    assert [event.user_id for event in told] == [fan]  # type: ignore[union-attr]
    assert await projections.absorb_availability(facts, channel, [change]) == []
    # A user who watchlists the title later still hears of a redelivery: the notice is theirs.
    await facts.apply_watchlist([WatchlistChange(other_fan, title, True, NOW)])
    again = await projections.absorb_availability(facts, channel, [change])
    assert [event.user_id for event in again] == [other_fan]  # type: ignore[union-attr]
    # Another event (the title went and came back) is news again.
    back = AvailabilityChange(offer, NOW, event_id="event-2")
    assert len(await projections.absorb_availability(facts, channel, [back])) == 2
    assert len(channel.sent) == 4


async def test_notices_are_forgotten_after_the_retention(
    facts: TortoiseFactsRepository,
) -> None:
    user = uuid.uuid4()
    assert await facts.claim_notices([("old", user)], NOW) == {("old", user)}
    later = NOW + NOTICE_RETENTION + timedelta(minutes=1)
    assert await facts.claim_notices([("new", user)], later) == {("new", user)}
    assert await NoticeRow.all().values_list("event_id", flat=True) == ["new"]

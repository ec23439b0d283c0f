"""Use cases that keep playback's copy of other subgraphs' facts, fed by their events.

Why events rather than federation `@requires`: starting playback is a mutation that must decide
on the server, at once, from offers (content) and the user's region and platforms (users) together;
`@requires` only feeds entity fields of one type, read after the fact, and would put a router hop
in front of every start. The cost is a copy that can lag by the consumer's delay.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from subgraphs.common.parental import ProfileLimits
from subgraphs.playback.facts.adapters.repository import FactsRepository
from subgraphs.playback.facts.domain.model import (
    AvailabilityChange,
    OfferFact,
    TitleBecameAvailable,
    TitleFact,
    ViewerFacts,
    WatchlistChange,
)

__all__ = [
    "Notifier",
    "absorb_availability",
    "absorb_profiles",
    "absorb_title_offers",
    "absorb_titles",
    "absorb_viewers",
    "absorb_watchlist",
]


class Notifier(Protocol):
    """Where availability notices go: the user's device channel (`remote.adapters.channel`)."""

    async def publish(self, event: TitleBecameAvailable) -> None: ...


async def absorb_title_offers(
    facts: FactsRepository, titles: Sequence[tuple[uuid.UUID, list[OfferFact]]]
) -> None:
    """Each title's full offer list, as `title.upserted` announces it (a title that lists no
    offers is still recorded as a catalog title, by `absorb_titles`)."""
    # The last announcement of a title in a batch is its current list.
    latest = {title_id: offers for title_id, offers in titles}
    await facts.replace_offers(list(latest.items()))


async def absorb_titles(facts: FactsRepository, titles: Sequence[TitleFact]) -> None:
    """The catalog's titles: for checking the ids devices put on their watchlists, and the
    age rating and genres a profile's limits are checked with."""
    await facts.save_titles(titles, datetime.now(UTC))


async def absorb_profiles(facts: FactsRepository, profiles: Sequence[ProfileLimits]) -> None:
    """The household profiles' parental limits, as users announces them."""
    await facts.remember_profiles(profiles)


async def absorb_availability(
    facts: FactsRepository, channel: Notifier, changes: Sequence[AvailabilityChange]
) -> list[TitleBecameAvailable]:
    """Apply each change; tell users who want the title and can watch it where it appeared.

    Every `available: true` event notifies (the event is the change), even when a
    `title.upserted` on another stream got here first; a redelivered event does not notify
    the same user again.
    """
    await facts.set_availability([change.offer for change in changes])
    arrived = [change for change in changes if change.offer.available]
    watchers = await facts.watchers([change.offer.title_id for change in arrived])
    viewers = await facts.viewers_by_ids([u for users in watchers.values() for u in users])
    due: list[tuple[AvailabilityChange, uuid.UUID]] = []
    for change in arrived:
        offer = change.offer
        for user_id in watchers.get(offer.title_id, ()):
            viewer = viewers.get(user_id) or ViewerFacts(user_id)
            if viewer.home_region == offer.region and offer.platform in viewer.subscribed_platforms:
                due.append((change, user_id))
    new = await facts.claim_notices([(change.event_id, user_id) for change, user_id in due],
                                    datetime.now(UTC))
    told: list[TitleBecameAvailable] = []
    for change, user_id in due:
        if (change.event_id, user_id) not in new:
            continue
        offer = change.offer
        event = TitleBecameAvailable(user_id, offer.title_id, offer.platform, offer.region,
                                     offer.type.value, change.at)
        await channel.publish(event)
        told.append(event)
    return told


async def absorb_viewers(facts: FactsRepository, viewers: Sequence[ViewerFacts]) -> None:
    await facts.save_viewers(viewers)


async def absorb_watchlist(facts: FactsRepository, changes: Sequence[WatchlistChange]) -> None:
    await facts.apply_watchlist(changes)

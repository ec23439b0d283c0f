"""What playback knows from other subgraphs' events: offers and titles (content), viewers,
watchlists (users), and the notice that a watched title became available.

The facts come through events (offers from content's `title.upserted` and
`availability.changed`, home region and subscriptions from users' `user.registered` and
`user.updated`); the rules that use them live with their features (`sessions.domain.offers`,
`sessions.domain.parental`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from subgraphs.common.vocabulary import OfferType, VideoQuality

__all__ = [
    "DEFAULT_REGION",
    "AvailabilityChange",
    "OfferFact",
    "TitleBecameAvailable",
    "TitleFact",
    "ViewerFacts",
    "WatchlistChange",
]

# Where a user is assumed to be until users' events say otherwise.
DEFAULT_REGION = "US"


@dataclass(frozen=True)
class OfferFact:
    """One offer as the catalog announced it; price and links may be unknown for a while."""

    title_id: uuid.UUID
    platform: str
    region: str
    type: OfferType
    quality: VideoQuality | None = None
    price: Decimal | None = None
    currency: str | None = None
    deep_link: str | None = None
    web_url: str | None = None
    available: bool = True


@dataclass(frozen=True)
class ViewerFacts:
    """What playback knows of a user from the users subgraph's events."""

    user_id: uuid.UUID
    home_region: str = DEFAULT_REGION
    subscribed_platforms: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class TitleFact:
    """What playback knows of a catalog title from `title.upserted`."""

    title_id: uuid.UUID
    age_rating: int | None = None
    genres: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchlistChange:
    user_id: uuid.UUID
    title_id: uuid.UUID
    present: bool
    at: datetime


@dataclass(frozen=True)
class AvailabilityChange:
    offer: OfferFact
    at: datetime
    event_id: str = ""  # the `availability.changed` event's id: a redelivery repeats it


@dataclass(frozen=True)
class TitleBecameAvailable:
    """A title on the user's watchlist can now be watched on one of their platforms at home."""

    user_id: uuid.UUID
    title_id: uuid.UUID
    platform: str
    region: str
    offer_type: str
    at: datetime

"""An offer change as history keeps it, and one entry of an availability list."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from subgraphs.content.catalog.domain.model import Offer, OfferType, VideoQuality

__all__ = ["ChangeKind", "Listing", "OfferChange", "OfferState"]


class ChangeKind(enum.StrEnum):
    APPEARED = "appeared"
    LEFT = "left"
    PRICE_DROPPED = "price_dropped"
    # Any other price change: up, to or from no price, or into another currency.
    PRICE_CHANGED = "price_changed"


@dataclass(frozen=True)
class OfferState:
    """What history compares of one offer: its key (platform, region, type) and its terms."""

    platform: str
    region: str
    type: OfferType
    quality: VideoQuality
    price: Decimal | None = None
    currency: str | None = None
    available_from: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.platform, self.region, str(self.type)


@dataclass(frozen=True)
class OfferChange:
    """One row of the offer history."""

    title_id: uuid.UUID
    platform: str
    region: str
    type: OfferType
    quality: VideoQuality
    kind: ChangeKind
    at: datetime
    old_price: Decimal | None = None
    new_price: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Listing:
    """One entry of an availability list: the offer (as it is now), when the list places it
    (the day it arrived, got cheaper or leaves) and, for price drops, what it cost before."""

    at: datetime
    offer: Offer
    old_price: Decimal | None = None

    @property
    def day(self) -> date:
        return self.at.date()

    @property
    def platform(self) -> str:
        return self.offer.platform_slug

"""Which offer a viewer should see first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from subgraphs.content.catalog.domain.model import Offer, OfferType, VideoQuality

__all__ = ["is_available", "rank_offers"]

# Included beats free beats free-with-ads beats paying; quality breaks ties, best first.
_TYPE_RANK = {
    OfferType.SUBSCRIPTION: 0,
    OfferType.FREE: 1,
    OfferType.ADS: 2,
    OfferType.RENT: 3,
    OfferType.BUY: 4,
}
_QUALITY_RANK = {VideoQuality.HDR: 0, VideoQuality.UHD: 1, VideoQuality.HD: 2, VideoQuality.SD: 3}


def is_available(offer: Offer, now: datetime) -> bool:
    started = offer.available_from is None or offer.available_from <= now
    not_ended = offer.available_until is None or now < offer.available_until
    return started and not_ended


def rank_offers(offers: Iterable[Offer], subscribed: frozenset[str] = frozenset()) -> list[Offer]:
    """Offers included in the viewer's subscriptions first, then free, then cheapest."""

    def key(offer: Offer) -> tuple[int, int, Decimal, int, str]:
        included = offer.type is OfferType.SUBSCRIPTION and offer.platform_slug in subscribed
        type_rank = -1 if included else _TYPE_RANK[offer.type]
        return (
            0 if included or not subscribed or offer.type is not OfferType.SUBSCRIPTION else 1,
            type_rank,
            offer.price if offer.price is not None else Decimal(0),
            _QUALITY_RANK[offer.quality],
            offer.platform_slug,
        )

    return sorted(offers, key=key)

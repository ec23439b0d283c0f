"""Which offer a device plays for a user, and in which quality.

The facts come from other subgraphs through events (`facts.domain.model`); this module only
decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.playback.devices.domain.model import Capabilities, Resolution
from subgraphs.playback.facts.domain.model import OfferFact, ViewerFacts

__all__ = ["ChosenOffer", "choose_offer", "playable_quality"]

_QUALITY_ORDER = (VideoQuality.SD, VideoQuality.HD, VideoQuality.UHD, VideoQuality.HDR)
_RESOLUTION_CAP = {
    Resolution.SD: VideoQuality.SD,
    Resolution.HD: VideoQuality.HD,
    Resolution.UHD: VideoQuality.UHD,
}
# Ranks before price: included, then free, then free with ads; paid offers go by price.
_FREE_RANK = {OfferType.SUBSCRIPTION: 0, OfferType.FREE: 1, OfferType.ADS: 2}
# At the same price renting beats buying.
_PAID_RANK = {OfferType.RENT: 0, OfferType.BUY: 1}


@dataclass(frozen=True)
class ChosenOffer:
    offer: OfferFact
    quality: VideoQuality
    included: bool

    @property
    def platform(self) -> str:
        return self.offer.platform


def playable_quality(offer: VideoQuality | None, device: Capabilities) -> VideoQuality:
    """The best the offer streams that the device can show (HDR needs an HDR format)."""
    cap = _RESOLUTION_CAP[device.max_resolution]
    if device.hdr_formats and device.max_resolution is Resolution.UHD:
        cap = VideoQuality.HDR
    wanted = offer or VideoQuality.HD  # unknown quality: assume the common case
    return min(wanted, cap, key=_QUALITY_ORDER.index)


def choose_offer(
    offers: Iterable[OfferFact], viewer: ViewerFacts, device: Capabilities
) -> ChosenOffer | None:
    """Included in the user's subscriptions first, then free, then the cheapest rent or buy.

    Only available offers in the user's home region count. Subscription offers on platforms
    the user does not pay for are left out: playing them would need a new subscription. Within
    a rank, the better quality the device can show wins, then the platform name (stable order).
    """
    candidates: list[tuple[tuple[int, int, Decimal, int, int, str], ChosenOffer]] = []
    for offer in offers:
        if not offer.available or offer.region != viewer.home_region:
            continue
        included = offer.type is OfferType.SUBSCRIPTION
        if included and offer.platform not in viewer.subscribed_platforms:
            continue
        quality = playable_quality(offer.quality, device)
        if offer.type in _FREE_RANK:
            key = (0, _FREE_RANK[offer.type], Decimal(0), 0)
        else:
            # An unknown price sorts after every known one.
            price = offer.price if offer.price is not None else Decimal("Infinity")
            key = (1, 0, price, _PAID_RANK[offer.type])
        full = (*key, -_QUALITY_ORDER.index(quality), offer.platform)
        candidates.append((full, ChosenOffer(offer, quality, included)))
    if not candidates:
        return None
    return min(candidates, key=lambda pair: pair[0])[1]

"""GraphQL type of the offer a playback session plays."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from subgraphs.playback.domain import offers

__all__ = ["OfferType", "PlaybackOffer", "VideoQuality"]

# The enums content exposes too (subgraphs.common.vocabulary): one vocabulary in the supergraph.
OfferType = strawberry.enum(offers.OfferType, name="OfferType")
VideoQuality = strawberry.enum(offers.VideoQuality, name="VideoQuality")


@strawberry.type(description="What the session plays: the offer chosen for the user and device.")
class PlaybackOffer:
    platform: str
    type: OfferType  # type: ignore[valid-type]
    quality: VideoQuality = strawberry.field(  # type: ignore[valid-type]
        description="The best the offer streams that the device can show."
    )
    price: Decimal | None
    currency: str | None
    included_in_subscription: bool
    deep_link: str | None = strawberry.field(description="Opens the title in the platform's app.")
    web_url: str | None = strawberry.field(description="Fallback when the app is not installed.")

    @classmethod
    def from_domain(cls, chosen: offers.ChosenOffer) -> PlaybackOffer:
        offer = chosen.offer
        return cls(platform=offer.platform, type=offer.type, quality=chosen.quality,
                   price=offer.price, currency=offer.currency,
                   included_in_subscription=chosen.included, deep_link=offer.deep_link,
                   web_url=offer.web_url)

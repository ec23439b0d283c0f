"""Offer choice: included first, then free, then the cheapest rent or buy; quality the device
can show."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.playback.devices.domain.model import Capabilities, Resolution
from subgraphs.playback.facts.domain.model import OfferFact, ViewerFacts
from subgraphs.playback.sessions.domain.offers import choose_offer, playable_quality

TITLE = uuid.uuid4()
USER = uuid.uuid4()
TV = Capabilities(max_resolution=Resolution.UHD, hdr_formats=("HDR10",))
UHD_NO_HDR = Capabilities(max_resolution=Resolution.UHD)
PHONE = Capabilities(max_resolution=Resolution.HD)


def offer(platform: str, kind: OfferType, price: str | None = None, region: str = "US",
          quality: VideoQuality = VideoQuality.HD, available: bool = True) -> OfferFact:
    return OfferFact(TITLE, platform, region, kind, quality,
                     Decimal(price) if price else None, "USD" if price else None,
                     f"{platform}://x", f"https://{platform}.example/x", available)


def viewer(*platforms: str, region: str = "US") -> ViewerFacts:
    return ViewerFacts(USER, region, frozenset(platforms))


def test_an_offer_included_in_my_subscriptions_beats_free_and_paid() -> None:
    offers = [offer("youtube", OfferType.FREE), offer("apple_tv_plus", OfferType.RENT, "0.99"),
              offer("netflix", OfferType.SUBSCRIPTION)]
    chosen = choose_offer(offers, viewer("netflix"), TV)
    assert chosen is not None and chosen.platform == "netflix" and chosen.included


def test_subscriptions_i_do_not_have_are_skipped_for_free_then_ads() -> None:
    offers = [offer("netflix", OfferType.SUBSCRIPTION), offer("peacock", OfferType.ADS),
              offer("youtube", OfferType.FREE)]
    chosen = choose_offer(offers, viewer("max"), TV)
    assert chosen is not None and (chosen.platform, chosen.included) == ("youtube", False)
    assert choose_offer(offers[:2], viewer(), TV).platform == "peacock"  # type: ignore[union-attr]


def test_the_cheapest_rent_or_buy_wins_and_renting_breaks_a_tie() -> None:
    offers = [offer("a", OfferType.BUY, "9.99"), offer("b", OfferType.RENT, "3.99"),
              offer("c", OfferType.BUY, "2.99"), offer("d", OfferType.RENT, "2.99")]
    assert choose_offer(offers, viewer(), TV).platform == "d"  # type: ignore[union-attr]
    # An unknown price comes after every known one.
    unknown = [offer("x", OfferType.RENT), offer("y", OfferType.BUY, "14.99")]
    assert choose_offer(unknown, viewer(), TV).platform == "y"  # type: ignore[union-attr]


def test_only_available_offers_in_my_home_region_count() -> None:
    offers = [offer("netflix", OfferType.SUBSCRIPTION, region="DE"),
              offer("max", OfferType.SUBSCRIPTION, available=False)]
    assert choose_offer(offers, viewer("netflix", "max"), TV) is None
    chosen = choose_offer(offers, viewer("netflix", region="DE"), TV)
    assert chosen is not None and chosen.offer.region == "DE"


def test_among_equals_the_better_quality_the_device_can_show_wins() -> None:
    offers = [offer("a", OfferType.FREE, quality=VideoQuality.HD),
              offer("b", OfferType.FREE, quality=VideoQuality.HDR)]
    assert choose_offer(offers, viewer(), TV).platform == "b"  # type: ignore[union-attr]
    # A phone shows HD from either: the platform name decides, stably.
    on_phone = choose_offer(offers, viewer(), PHONE)
    assert on_phone is not None and (on_phone.platform, on_phone.quality) == ("a", VideoQuality.HD)


@pytest.mark.parametrize(
    ("streams", "device", "plays"),
    [
        (VideoQuality.HDR, TV, VideoQuality.HDR),
        (VideoQuality.HDR, UHD_NO_HDR, VideoQuality.UHD),
        (VideoQuality.UHD, PHONE, VideoQuality.HD),
        (VideoQuality.SD, TV, VideoQuality.SD),
        (None, TV, VideoQuality.HD),
        (VideoQuality.HDR, Capabilities(max_resolution=Resolution.HD, hdr_formats=("HDR10",)),
         VideoQuality.HD),
    ],
)
def test_quality_is_what_both_offer_and_device_can_do(
    streams: VideoQuality | None, device: Capabilities, plays: VideoQuality
) -> None:
    assert playable_quality(streams, device) is plays


def test_no_offers_no_choice() -> None:
    assert choose_offer([], viewer("netflix"), TV) is None

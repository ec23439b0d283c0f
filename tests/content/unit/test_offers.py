from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from subgraphs.content.catalog.domain.model import ExternalIds, Offer, OfferType, VideoQuality
from subgraphs.content.catalog.domain.offers import is_available, rank_offers

TITLE = uuid.uuid4()


def _offer(platform: str, kind: OfferType, price: str | None = None, **extra: object) -> Offer:
    return Offer(id=uuid.uuid4(), title_id=TITLE, platform_slug=platform, region="US", type=kind,
                 quality=VideoQuality.HD, deep_link="x://", web_url="https://x",
                 price=Decimal(price) if price else None, currency="USD" if price else None,
                 **extra)


def test_included_in_my_subscriptions_comes_first_then_free_then_cheapest() -> None:
    offers = [
        _offer("apple_tv_plus", OfferType.BUY, "9.99"),
        _offer("youtube", OfferType.RENT, "3.99"),
        _offer("prime_video", OfferType.RENT, "2.99"),
        _offer("hulu", OfferType.SUBSCRIPTION),
        _offer("bbc_iplayer", OfferType.FREE),
        _offer("netflix", OfferType.SUBSCRIPTION),
    ]
    ranked = [o.platform_slug for o in rank_offers(offers, frozenset({"netflix"}))]
    assert ranked == ["netflix", "bbc_iplayer", "prime_video", "youtube", "apple_tv_plus", "hulu"]


def test_without_subscriptions_subscription_offers_lead() -> None:
    offers = [_offer("youtube", OfferType.RENT, "3.99"), _offer("hulu", OfferType.SUBSCRIPTION)]
    assert [o.platform_slug for o in rank_offers(offers)] == ["hulu", "youtube"]


def test_availability_window() -> None:
    now = datetime.now(UTC)
    assert is_available(_offer("hulu", OfferType.SUBSCRIPTION), now)
    ended = _offer("hulu", OfferType.SUBSCRIPTION, available_until=now - timedelta(days=1))
    assert not is_available(ended, now)
    future = _offer("hulu", OfferType.SUBSCRIPTION, available_from=now + timedelta(days=1))
    assert not is_available(future, now)


def test_canonical_external_id_prefers_eidr_then_imdb() -> None:
    assert ExternalIds(imdb="tt1", tmdb="5", eidr="10.5240/X").canonical == "eidr:10.5240/X"
    assert ExternalIds(imdb="tt1", tmdb="5").canonical == "imdb:tt1"
    assert ExternalIds(tmdb="5").canonical == "tmdb:5"

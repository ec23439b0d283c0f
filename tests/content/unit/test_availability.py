"""The availability domain: offer changes, windows, buckets and the audience filter."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from subgraphs.common.errors import BadInput
from subgraphs.common.parental import ProfileLimits
from subgraphs.content.availability.domain.audience import Audience, audience_of
from subgraphs.content.availability.domain.buckets import bucket_listings
from subgraphs.content.availability.domain.changes import diff_offers, is_price_drop
from subgraphs.content.availability.domain.model import ChangeKind, Listing, OfferState
from subgraphs.content.availability.domain.windows import (
    MAX_LOOKBACK_DAYS,
    leaving_window,
    since_window,
)
from subgraphs.content.catalog.domain.model import Offer, OfferType, VideoQuality

NOW = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)
TITLE = uuid.uuid4()


def _state(platform: str = "netflix", price: str | None = None, currency: str | None = None,
           since: datetime | None = None, kind: OfferType = OfferType.RENT) -> OfferState:
    return OfferState(platform, "US", kind, VideoQuality.HD,
                      Decimal(price) if price else None, currency, since)


def test_offers_that_appear_leave_or_change_price_are_each_one_change() -> None:
    before = [_state("netflix", "3.99", "USD"), _state("hulu", "2.99", "USD"),
              _state("max", "4.99", "USD"), _state("peacock", "1.99", "USD")]
    after = [_state("netflix", "2.99", "USD"), _state("max", "5.99", "USD"),
             _state("peacock", "1.99", "USD"), _state("youtube", "3.99", "USD")]
    changes = {change.platform: change for change in diff_offers(TITLE, before, after, NOW)}
    assert set(changes) == {"netflix", "hulu", "max", "youtube"}  # peacock: unchanged
    assert changes["netflix"].kind is ChangeKind.PRICE_DROPPED
    assert (changes["netflix"].old_price, changes["netflix"].new_price) == (
        Decimal("3.99"), Decimal("2.99"))
    assert changes["max"].kind is ChangeKind.PRICE_CHANGED
    assert changes["hulu"].kind is ChangeKind.LEFT and changes["hulu"].at == NOW
    assert changes["youtube"].kind is ChangeKind.APPEARED and changes["youtube"].at == NOW


def test_an_offer_appears_when_the_feed_says_it_started() -> None:
    started = NOW - timedelta(days=400)
    (change,) = diff_offers(TITLE, [], [_state(since=started)], NOW)
    assert change.kind is ChangeKind.APPEARED and change.at == started


def test_a_price_in_another_currency_is_no_drop() -> None:
    (change,) = diff_offers(TITLE, [_state(price="500", currency="JPY")],
                            [_state(price="3.99", currency="USD")], NOW)
    assert change.kind is ChangeKind.PRICE_CHANGED and change.old_price is None


def test_what_counts_as_a_price_drop() -> None:
    assert is_price_drop(Decimal("3.99"), Decimal("2.99"))
    assert not is_price_drop(Decimal("2.99"), Decimal("2.99"))
    assert not is_price_drop(Decimal("2.99"), Decimal("3.99"))
    assert not is_price_drop(None, Decimal("2.99"))  # became paid
    assert not is_price_drop(Decimal("2.99"), None)  # became free or included


def test_leaving_window_and_its_bounds() -> None:
    window = leaving_window(NOW, 7)
    assert (window.start, window.end) == (NOW, NOW + timedelta(days=7))
    assert leaving_window(NOW, None).end == NOW + timedelta(days=30)
    for days in (0, -1, 91):
        with pytest.raises(BadInput):
            leaving_window(NOW, days)


def test_since_window_starts_at_the_day_and_refuses_the_future() -> None:
    window = since_window(NOW, date(2026, 12, 1))
    assert window.start == datetime(2026, 12, 1, tzinfo=UTC) and window.end == NOW
    assert since_window(NOW, NOW.date()).start == datetime(2026, 12, 4, tzinfo=UTC)
    assert since_window(NOW, None).start == datetime(2026, 11, 20, tzinfo=UTC)
    with pytest.raises(BadInput):
        since_window(NOW, date(2026, 12, 5))
    with pytest.raises(BadInput):
        since_window(NOW, NOW.date() - timedelta(days=MAX_LOOKBACK_DAYS + 1))


def _listing(day: int, platform: str) -> Listing:
    offer = Offer(id=uuid.uuid4(), title_id=uuid.uuid4(), platform_slug=platform, region="US",
                  type=OfferType.SUBSCRIPTION, quality=VideoQuality.HD, deep_link="x",
                  web_url="y")
    return Listing(at=datetime(2026, 12, day, 9, tzinfo=UTC), offer=offer)


def test_buckets_group_by_day_and_platform_in_list_order() -> None:
    listings = [_listing(4, "netflix"), _listing(4, "hulu"), _listing(4, "netflix"),
                _listing(2, "netflix")]
    buckets = bucket_listings(listings)
    assert [(b.day.day, b.platform, len(b.listings)) for b in buckets] == [
        (4, "netflix", 2), (4, "hulu", 1), (2, "netflix", 1)]
    assert buckets[0].listings == [listings[0], listings[2]]


def test_profile_limits_become_an_audience_filter() -> None:
    grown = ProfileLimits(uuid.uuid4(), uuid.uuid4())
    assert audience_of(None) == Audience() == audience_of(grown)
    kid = ProfileLimits(uuid.uuid4(), uuid.uuid4(), is_kid=True, max_age=7,
                        blocked_genres=("horror",))
    assert audience_of(kid) == Audience(blocked_genres=("horror",),
                                        only_genres=("animation", "family"))
    blocked = ProfileLimits(uuid.uuid4(), uuid.uuid4(), blocked_genres=("war", "crime"))
    assert audience_of(blocked) == Audience(blocked_genres=("crime", "war"))

"""Orders of title lists and their keyset pages: every page resumes exactly after the last."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from subgraphs.common.errors import BadInput
from subgraphs.content.catalog.cursors import decode_keyset, encode_keyset
from subgraphs.content.catalog.domain.model import Offer, OfferType, VideoQuality
from subgraphs.content.catalog.domain.ordering import (
    Keyset,
    TitleOrder,
    TitleSort,
    after_keyset,
    cheapest_price,
    sort_by,
    trend_score,
)

IDS = sorted(uuid.UUID(int=n) for n in range(1, 9))
# Ties (2.0 twice, None twice) are where a page boundary could repeat or skip a title.
VALUES = dict(zip(IDS, [2.0, None, 5.0, 2.0, 1.0, None, 3.0, 2.0], strict=True))


def _pages(descending: bool, size: int) -> list[list[uuid.UUID]]:
    ranked = sort_by(IDS, VALUES.__getitem__, lambda i: i, descending)
    pages, after = [], None
    while True:
        page = after_keyset(ranked, VALUES.__getitem__, lambda i: i, descending, after)[:size]
        if not page:
            return pages
        pages.append(page)
        after = Keyset(VALUES[page[-1]], page[-1])


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("size", [1, 2, 3, 8])
def test_keyset_pages_neither_repeat_nor_skip(descending: bool, size: int) -> None:
    seen = [title_id for page in _pages(descending, size) for title_id in page]
    assert sorted(seen) == IDS and len(seen) == len(set(seen))


def test_values_first_in_either_direction_ties_by_id_and_empty_values_last() -> None:
    down = sort_by(IDS, VALUES.__getitem__, lambda i: i, True)
    assert [VALUES[i] for i in down] == [5.0, 3.0, 2.0, 2.0, 2.0, 1.0, None, None]
    assert [i for i in down if VALUES[i] == 2.0] == [IDS[0], IDS[3], IDS[7]]
    up = sort_by(IDS, VALUES.__getitem__, lambda i: i, False)
    assert [VALUES[i] for i in up] == [1.0, 2.0, 2.0, 2.0, 3.0, 5.0, None, None]
    assert up[-2:] == [IDS[1], IDS[5]]


def test_trend_score_orders_by_decayed_viewing() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    week = timedelta(days=7)
    assert trend_score([]) is None
    # One viewing a half-life ago is worth half of one now: two of them weigh one now.
    assert trend_score([now - week, now - week]) == pytest.approx(trend_score([now]))
    assert trend_score([now]) > trend_score([now - week])
    assert trend_score([now - week] * 3) > trend_score([now]), "more viewers outweigh age"
    assert trend_score([now, now - week]) > trend_score([now])
    # 1997's viewings neither underflow nor tie: older is still less.
    old = datetime(1997, 6, 1, tzinfo=UTC)
    assert trend_score([old]) < trend_score([old + timedelta(days=1)])


def _offer(kind: OfferType, price: str | None, until: datetime | None = None) -> Offer:
    return Offer(id=uuid.uuid4(), title_id=IDS[0], platform_slug="netflix", region="US",
                 type=kind, quality=VideoQuality.HD, deep_link="x", web_url="y",
                 price=None if price is None else Decimal(price), available_until=until)


def test_cheapest_price_counts_current_rent_buy_and_free_offers_only() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    gone = now - timedelta(days=1)
    assert cheapest_price([_offer(OfferType.SUBSCRIPTION, None)], now) is None
    assert cheapest_price([_offer(OfferType.RENT, "3.99"), _offer(OfferType.BUY, "9.99")],
                          now) == Decimal("3.99")
    assert cheapest_price([_offer(OfferType.RENT, "0.99", until=gone),
                           _offer(OfferType.RENT, "4.99")], now) == Decimal("4.99")
    assert cheapest_price([_offer(OfferType.FREE, None), _offer(OfferType.RENT, "1.99")],
                          now) == Decimal(0)


@pytest.mark.parametrize(("sort", "value"), [
    (TitleSort.POPULARITY, 12.5), (TitleSort.RELEASE_DATE, 1995.0),
    (TitleSort.TITLE, "american president, the"), (TitleSort.PRICE, Decimal("3.99")),
    (TitleSort.TRENDING, None),
])
def test_cursor_round_trips_its_value(sort: TitleSort, value: object) -> None:
    order = TitleOrder.of(sort, region="US" if sort is TitleSort.PRICE else None)
    cursor = encode_keyset(order, value, IDS[2])  # type: ignore[arg-type]
    assert decode_keyset(cursor, order) == Keyset(value, IDS[2])  # type: ignore[arg-type]


def test_cursor_of_another_order_or_garbage_is_bad_input() -> None:
    cursor = encode_keyset(TitleOrder.of(TitleSort.RATING), 4.5, IDS[0])
    with pytest.raises(BadInput):
        decode_keyset(cursor, TitleOrder.of(TitleSort.RATING, descending=False))
    with pytest.raises(BadInput):
        decode_keyset(cursor, TitleOrder.of(TitleSort.POPULARITY))
    with pytest.raises(BadInput):
        decode_keyset("bm9wZQ==", TitleOrder.of(TitleSort.RATING))

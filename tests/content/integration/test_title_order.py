"""Ordered title pages against the real database (SQLite, or PostgreSQL when DATABASE_URL says
so): keyset pages across ties and missing values, trending from viewings, viewers' platforms."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import OfferRow, PlatformRow, TitleRow, TitleViewerRow
from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
from subgraphs.content.catalog.adapters.trending import TortoiseTrending
from subgraphs.content.catalog.adapters.viewers import TortoiseViewerPlatforms, ViewerPlatforms
from subgraphs.content.catalog.domain.model import OfferType, TitleFilter, TitleKind, VideoQuality
from subgraphs.content.catalog.domain.ordering import Keyset, TitleOrder, TitleSort

NOW = datetime(2026, 12, 1, tzinfo=UTC)
# (rating, rent price in US or None); ties and gaps on purpose.
ROWS = [(4.0, "3.99"), (None, None), (4.0, "2.99"), (3.5, "3.99"), (None, "0.99"), (4.0, None)]


@pytest.fixture
async def catalog(database_url: str) -> AsyncIterator[list[uuid.UUID]]:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await PlatformRow.create(slug="netflix", name="Netflix", deep_link_template="n://{key}",
                                 web_url_template="https://n/{key}")
        ids = sorted(uuid.uuid4() for _ in ROWS)
        for n, (title_id, (rating, price)) in enumerate(zip(ids, ROWS, strict=True)):
            await TitleRow.create(id=title_id, source_key=f"t:{n}", kind=TitleKind.MOVIE,
                                  title=f"Title {n}", average_rating=rating,
                                  sort_title=f"title {n}")
            kind = OfferType.RENT if price else OfferType.SUBSCRIPTION
            await OfferRow.create(id=uuid.uuid4(), title_id=title_id, platform_id="netflix",
                                  region="US", type=kind, quality=VideoQuality.HD,
                                  price=Decimal(price) if price else None,
                                  currency="USD" if price else None, deep_link="n://x",
                                  web_url="https://n/x")
        yield ids
    finally:
        await close_database()


async def _pages(order: TitleOrder, size: int) -> list[tuple[uuid.UUID, object]]:
    repo, seen, after = TortoiseContentRepository(), [], None
    while True:
        page, total = await repo.ordered_titles(TitleFilter(), order, after, size, NOW)
        assert total == len(ROWS)
        if not page:
            return seen
        seen += [(title.id, value) for title, value in page]
        after = Keyset(page[-1][1], page[-1][0].id)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [1, 2, 4])
async def test_rating_pages_in_order_with_missing_values_last(
    catalog: list[uuid.UUID], size: int
) -> None:
    seen = await _pages(TitleOrder.of(TitleSort.RATING), size)
    ids = catalog
    assert seen == [(ids[0], 4.0), (ids[2], 4.0), (ids[5], 4.0), (ids[3], 3.5),
                    (ids[1], None), (ids[4], None)]
    ascending = await _pages(TitleOrder.of(TitleSort.RATING, descending=False), size)
    assert [i for i, _ in ascending] == [ids[3], ids[0], ids[2], ids[5], ids[1], ids[4]]


@pytest.mark.parametrize("size", [1, 4])
async def test_price_pages_by_the_cheapest_current_offer(
    catalog: list[uuid.UUID], size: int
) -> None:
    seen = await _pages(TitleOrder.of(TitleSort.PRICE, region="US"), size)
    ids = catalog
    assert seen == [(ids[4], Decimal("0.99")), (ids[2], Decimal("2.99")),
                    (ids[0], Decimal("3.99")), (ids[3], Decimal("3.99")),
                    (ids[1], None), (ids[5], None)]


async def test_trending_follows_each_viewers_latest_viewing(catalog: list[uuid.UUID]) -> None:
    a, b = catalog[:2]
    for title_id, key in ((a, "v1"), (a, "v2"), (b, "v1")):
        await TitleViewerRow.create(title_id=title_id, viewer_key=key)
    trending = TortoiseTrending()
    old = NOW - timedelta(days=60)
    changed = await trending.record([(a, "v1", old), (a, "v2", old), (b, "v1", NOW)])
    assert changed == {a, b}
    assert await trending.record([(a, "v1", old)]) == set(), "a redelivery changes nothing"
    await trending.refresh(changed)
    seen = await _pages(TitleOrder.of(TitleSort.TRENDING), 10)
    assert [i for i, _ in seen[:2]] == [b, a], "one viewing now outweighs two two months ago"
    assert all(value is None for _, value in seen[2:])


async def test_only_my_subscriptions_keeps_titles_on_my_platforms(
    catalog: list[uuid.UUID],
) -> None:
    viewers = TortoiseViewerPlatforms()
    user = uuid.uuid4()
    await viewers.remember([ViewerPlatforms(user, "US", ("netflix",))])
    await viewers.remember([ViewerPlatforms(user, "GB", ())], replace=False)
    assert await viewers.get(user) == ViewerPlatforms(user, "US", ("netflix",)), \
        "a registration read late does not undo an update"
    repo = TortoiseContentRepository()
    mine, total = await repo.ordered_titles(
        TitleFilter(subscribed=("netflix",), region="US"), TitleOrder.of(TitleSort.TITLE), None,
        10, NOW)
    assert {t.id for t, _ in mine} == {catalog[1], catalog[5]} and total == 2
    none, total = await repo.ordered_titles(
        TitleFilter(subscribed=(), region="US"), TitleOrder.of(TitleSort.TITLE), None, 10, NOW)
    assert none == [] and total == 0

"""How a list of titles is ordered, and where a page of it resumes (keyset).

Every order is a value per title followed by the title's id, so no two titles tie and a page
resumes exactly after the last title it showed: pages neither repeat nor skip, whatever was
added meanwhile. Titles without a value (no release date, no rating, nobody watched it, no
priced offer) come after every title with one, in either direction, ordered by id.
"""

from __future__ import annotations

import enum
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from subgraphs.content.catalog.domain.model import Offer, OfferType, Title
from subgraphs.content.catalog.domain.offers import is_available

__all__ = [
    "DEFAULT_DESCENDING",
    "TREND_EPOCH",
    "TREND_HALF_LIFE_DAYS",
    "Keyset",
    "SortValue",
    "TitleOrder",
    "TitleSort",
    "after_keyset",
    "cheapest_price",
    "column_value",
    "order_key",
    "sort_by",
    "trend_score",
]

SortValue = float | str | date | Decimal | None  # ints are floats
T = TypeVar("T")


class TitleSort(enum.StrEnum):
    # By release year: the feeds we ingest give a year for nearly every title, a date for few
    # (MovieLens: none), and a year is what people browse by.
    POPULARITY = "popularity"
    RELEASE_DATE = "release_date"
    RATING = "rating"
    TITLE = "title"
    TRENDING = "trending"
    PRICE = "price"


# What each sort means without a direction: most popular, newest, best rated, most watched
# lately first; names A to Z and cheapest first.
DEFAULT_DESCENDING = {
    TitleSort.POPULARITY: True,
    TitleSort.RELEASE_DATE: True,
    TitleSort.RATING: True,
    TitleSort.TITLE: False,
    TitleSort.TRENDING: True,
    TitleSort.PRICE: False,
}

# Trending is a sum of viewings each worth 2^((viewed_at - epoch) / half-life), kept as its
# base-2 logarithm: the order is that of the decayed sum at any moment (every term decays by
# the same factor), and neither 1997's viewings underflow nor next decade's overflow.
TREND_EPOCH = datetime(2020, 1, 1).toordinal()
TREND_HALF_LIFE_DAYS = 7.0
# Subscription offers have no per-title price: price orders by what renting, buying or a free
# offer costs.
_PRICED = frozenset({OfferType.RENT, OfferType.BUY, OfferType.FREE, OfferType.ADS})


@dataclass(frozen=True)
class TitleOrder:
    sort: TitleSort = TitleSort.POPULARITY
    descending: bool = True
    # Price sorts need one: the offers of which region count.
    region: str | None = None

    @classmethod
    def of(cls, sort: TitleSort, descending: bool | None = None,
           region: str | None = None) -> TitleOrder:
        return cls(sort, DEFAULT_DESCENDING[sort] if descending is None else descending, region)


@dataclass(frozen=True)
class Keyset:
    """Where a page ends: the last title's sort value and id."""

    value: SortValue
    id: uuid.UUID


def trend_score(viewed_at: Iterable[datetime]) -> float | None:
    """log2 of the decayed count of viewings (each viewer's latest); None when there is none."""
    exponents = [_half_lives(at) for at in viewed_at]
    if not exponents:
        return None
    top = max(exponents)
    return top + math.log2(sum(2.0 ** (e - top) for e in exponents))


def _half_lives(at: datetime) -> float:
    at = at.astimezone(UTC) if at.tzinfo else at  # naive times are UTC already
    days = at.toordinal() - TREND_EPOCH + (at.hour * 3600 + at.minute * 60 + at.second) / 86400
    return days / TREND_HALF_LIFE_DAYS


def cheapest_price(offers: Iterable[Offer], now: datetime) -> Decimal | None:
    """What the cheapest current rent, buy or free offer costs (free: 0); None without one."""
    prices = [offer.price if offer.price is not None else Decimal(0)
              for offer in offers if offer.type in _PRICED and is_available(offer, now)]
    return min(prices) if prices else None


def order_key(descending: bool) -> Callable[[SortValue, uuid.UUID], tuple[object, ...]]:
    """A Python sort key equal to the SQL order: valued titles first, then by id."""

    def key(value: SortValue, title_id: uuid.UUID) -> tuple[object, ...]:
        if value is None:
            return (1, 0, str(title_id))
        return (0, _Reversed(value) if descending else value, str(title_id))

    return key


def sort_by(items: Sequence[T], value: Callable[[T], SortValue], item_id: Callable[[T], uuid.UUID],
            descending: bool) -> list[T]:
    key = order_key(descending)
    return sorted(items, key=lambda item: key(value(item), item_id(item)))


def after_keyset(items: Sequence[T], value: Callable[[T], SortValue],
                 item_id: Callable[[T], uuid.UUID], descending: bool,
                 after: Keyset | None) -> list[T]:
    """The items of an ordered list that come after `after` (all of them without one)."""
    if after is None:
        return list(items)
    key = order_key(descending)
    mark = key(after.value, after.id)
    return [item for item in items if key(value(item), item_id(item)) > mark]


@dataclass(frozen=True)
class _Reversed:
    """Orders its value backwards (descending sorts inside an ascending tuple key)."""

    value: float | str | date | Decimal

    def __lt__(self, other: _Reversed) -> bool:
        return other.value < self.value  # type: ignore[operator]

    def __gt__(self, other: _Reversed) -> bool:
        return other.value > self.value  # type: ignore[operator]


def column_value(title: Title, sort: TitleSort) -> SortValue:
    """The value a column sort reads from a title (price is not a title's)."""
    if sort is TitleSort.POPULARITY:
        return title.popularity
    if sort is TitleSort.RELEASE_DATE:
        return title.release_year
    if sort is TitleSort.RATING:
        return title.average_rating
    if sort is TitleSort.TITLE:
        return title.sort_key
    if sort is TitleSort.TRENDING:
        return title.trending
    raise ValueError(f"{sort} is not a title's column")

"""Catalog use cases: plain async functions over the repository, raising domain errors."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from subgraphs.common.auth import Viewer
from subgraphs.common.errors import BadInput
from subgraphs.common.parental import ProfileLimits
from subgraphs.common.profile_limits import ProfileLimitStore
from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.catalog.adapters.viewers import ViewerPlatformsStore
from subgraphs.content.catalog.domain.errors import InvalidRegion, TitleNotFound
from subgraphs.content.catalog.domain.model import Title, TitleFilter
from subgraphs.content.catalog.domain.ordering import Keyset, SortValue, TitleOrder, TitleSort

__all__ = ["OrderedPage", "TitleListing", "acting_profile_limits", "get_title", "my_subscriptions",
           "normalise_region", "ordered_titles", "resolve_listing", "title_order"]

_REGION = re.compile(r"^[A-Z]{2}$")


def normalise_region(region: str) -> str:
    code = region.strip().upper()
    if not _REGION.match(code):
        raise InvalidRegion(region)
    return code


async def get_title(repo: ContentRepository, title_id: uuid.UUID) -> Title:
    found = await repo.titles_by_ids([title_id])
    if title_id not in found:
        raise TitleNotFound(title_id)
    return found[title_id]


@dataclass(frozen=True)
class TitleListing:
    """What a caller asks of a list: which titles, in which order, only on their platforms."""

    filter: TitleFilter = field(default_factory=TitleFilter)
    sort: TitleSort = TitleSort.POPULARITY
    descending: bool | None = None
    only_my_subscriptions: bool = False


@dataclass(frozen=True)
class OrderedPage:
    items: list[tuple[Title, SortValue]]
    total: int
    has_next: bool


async def resolve_listing(
    listing: TitleListing, viewer: Viewer, viewers: ViewerPlatformsStore
) -> tuple[TitleFilter, TitleOrder]:
    """The listing's filter and order made concrete for this viewer: their platforms, and the
    region a price sort compares offers in (the filter's, else the viewer's home region)."""
    title_filter = listing.filter
    if title_filter.region is not None:
        title_filter = replace(title_filter, region=normalise_region(title_filter.region))
    home = viewer.home_region
    if listing.only_my_subscriptions:
        mine, home = await my_subscriptions(viewer, viewers)
        title_filter = replace(title_filter, subscribed=mine, region=title_filter.region or home)
    order = await title_order(listing.sort, listing.descending, title_filter.region or home,
                              viewer, viewers)
    return title_filter, order


async def my_subscriptions(
    viewer: Viewer, viewers: ViewerPlatformsStore
) -> tuple[tuple[str, ...], str | None]:
    """The signed-in viewer's subscribed platforms and home region (UNAUTHENTICATED when
    signed out); a viewer whose registration has not reached content yet has none."""
    user_id = viewer.require_user()
    known = await viewers.get(user_id)
    return (known.platforms if known else ()), viewer.home_region or (
        known.home_region if known else None)


async def title_order(
    sort: TitleSort, descending: bool | None, region: str | None, viewer: Viewer,
    viewers: ViewerPlatformsStore,
) -> TitleOrder:
    """An order for a list: price compares offers in `region`, else in the viewer's home
    region (BAD_USER_INPUT without either)."""
    if sort is not TitleSort.PRICE:
        return TitleOrder.of(sort, descending)
    if region is None and viewer.home_region is None and viewer.user_id is not None:
        known = await viewers.get(viewer.user_id)
        region = known.home_region if known else None
    return TitleOrder.of(sort, descending, _price_region(region or viewer.home_region))


def _price_region(region: str | None) -> str:
    if region is None:
        raise BadInput("Sorting by price needs a region: set `filter.region`, or sign in "
                       "with a home region.", field="sortBy")
    return normalise_region(region)


async def ordered_titles(
    repo: ContentRepository, title_filter: TitleFilter, order: TitleOrder,
    after: Keyset | None, limit: int,
) -> OrderedPage:
    """One page of titles in `order`, resuming after `after`."""
    found, total = await repo.ordered_titles(title_filter, order, after, limit + 1,
                                             datetime.now(UTC))
    return OrderedPage(items=found[:limit], total=total, has_next=len(found) > limit)


async def acting_profile_limits(store: ProfileLimitStore, viewer: Viewer) -> ProfileLimits | None:
    """The limits of the profile the sign-in acts as, when it is the viewer's own. A profile
    content has not heard of yet (its event is still on the way) sets none."""
    if viewer.profile_id is None or viewer.user_id is None:
        return None
    limits = await store.get(viewer.profile_id)
    if limits is None or limits.user_id != viewer.user_id:
        return None
    return limits

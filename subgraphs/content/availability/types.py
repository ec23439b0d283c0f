"""GraphQL types of the availability lists and their mapping from domain objects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.pagination import Connection, Edge, PageInfo, PageRequest
from subgraphs.content.availability.domain.buckets import bucket_listings
from subgraphs.content.availability.domain.model import Listing
from subgraphs.content.catalog.types import Offer, Platform, Price, Title
from subgraphs.content.context import Context

__all__ = ["AvailabilityBucket", "AvailabilityConnection", "AvailabilityEntry"]


async def _platform(info: Info[Context, None], slug: str) -> Platform:
    platform = await info.context.loaders.platform.load(slug)
    assert platform is not None, "offers reference existing platforms"
    return Platform.from_domain(platform)


async def _title(info: Info[Context, None], title_id: uuid.UUID) -> Title:
    title = await info.context.loaders.title.load(title_id)
    assert title is not None, "offers reference existing titles"
    return Title.from_domain(title)


@strawberry.type(description="An offer in an availability list, with the day the list places "
                             "it on: the day it arrived, got cheaper or leaves.")
class AvailabilityEntry:
    date: date
    at: datetime = strawberry.field(description="The moment itself (UTC).")
    offer: Offer = strawberry.field(description="The offer as it is now.")
    previous_price: Price | None = strawberry.field(
        description="For a price drop, what it cost before.")
    platform_slug: strawberry.Private[str]
    title_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, listing: Listing) -> AvailabilityEntry:
        offer = listing.offer
        previous = (Price(amount=listing.old_price, currency=offer.currency)
                    if listing.old_price is not None and offer.currency else None)
        return cls(date=listing.day, at=listing.at, offer=Offer.from_domain(offer),
                   previous_price=previous, platform_slug=offer.platform_slug,
                   title_id=offer.title_id)

    @strawberry.field
    async def platform(self, info: Info[Context, None]) -> Platform:
        return await _platform(info, self.platform_slug)

    @strawberry.field
    async def title(self, info: Info[Context, None]) -> Title:
        return await _title(info, self.title_id)


@strawberry.type(description="One day's entries on one platform, like JustWatch's "
                             "`newTitleBuckets`.")
class AvailabilityBucket:
    date: date
    entries: list[AvailabilityEntry]
    platform_slug: strawberry.Private[str]

    @strawberry.field
    async def platform(self, info: Info[Context, None]) -> Platform:
        return await _platform(info, self.platform_slug)

    @strawberry.field(description="The bucket's titles, in the list's order, each once.")
    async def titles(self, info: Info[Context, None]) -> list[Title]:
        ids = list(dict.fromkeys(entry.title_id for entry in self.entries))
        return [await _title(info, title_id) for title_id in ids]


@strawberry.type
class AvailabilityConnection:
    edges: list[Edge[AvailabilityEntry]]
    page_info: PageInfo
    total_count: int
    buckets: list[AvailabilityBucket] = strawberry.field(
        description="This page's entries grouped by date and platform, in the page's order "
                    "(page on with `first` / `after` as for the edges).")

    @classmethod
    def from_domain(cls, listings: Sequence[Listing], request: PageRequest,
                    total: int) -> AvailabilityConnection:
        # The shared builder numbers the cursors and fills the page info; buckets are added.
        base = Connection[AvailabilityEntry].build(listings, request, total,
                                                   AvailabilityEntry.from_domain)
        entries = {id(listing): edge.node for listing, edge in zip(listings, base.edges,
                                                                    strict=True)}
        buckets = [
            AvailabilityBucket(date=bucket.day, platform_slug=bucket.platform,
                               entries=[entries[id(listing)] for listing in bucket.listings])
            for bucket in bucket_listings(listings)
        ]
        return cls(edges=base.edges, page_info=base.page_info, total_count=base.total_count,
                   buckets=buckets)

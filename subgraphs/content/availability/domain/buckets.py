"""Lists grouped the way JustWatch's `newTitleBuckets` are: one group a day and platform."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from subgraphs.content.availability.domain.model import Listing

__all__ = ["Bucket", "bucket_listings"]


@dataclass
class Bucket:
    day: date
    platform: str
    listings: list[Listing] = field(default_factory=list)


def bucket_listings(listings: Iterable[Listing]) -> list[Bucket]:
    """One bucket per (day, platform), in the order the list first reaches each: a list sorted
    by day gives buckets sorted by day, and a page's buckets follow its edges."""
    buckets: dict[tuple[date, str], Bucket] = {}
    for listing in listings:
        key = (listing.day, listing.platform)
        if key not in buckets:
            buckets[key] = Bucket(listing.day, listing.platform)
        buckets[key].listings.append(listing)
    return list(buckets.values())

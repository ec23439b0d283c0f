"""Availability use cases: check the arguments, apply the viewer's profile limits, read a page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from subgraphs.common.parental import ProfileLimits
from subgraphs.content.availability.adapters.repository import AvailabilityRepository, ListQuery
from subgraphs.content.availability.domain.audience import audience_of
from subgraphs.content.availability.domain.errors import UnknownRegion
from subgraphs.content.availability.domain.model import ChangeKind, Listing
from subgraphs.content.availability.domain.windows import leaving_window, since_window
from subgraphs.content.catalog.services import normalise_region

__all__ = ["changes", "leaving_soon"]

Page = tuple[list[Listing], int]


async def _region(repo: AvailabilityRepository, region: str) -> str:
    """The region as a code the catalog has offers in (a well-formed code it has none in is
    as much the caller's mistake as a malformed one: the list could only ever be empty)."""
    code = normalise_region(region)
    known = await repo.regions()
    if code not in known:
        raise UnknownRegion(code, ", ".join(sorted(known)) or "none")
    return code


async def leaving_soon(
    repo: AvailabilityRepository, *, region: str, within_days: int | None,
    platforms: Sequence[str], limits: ProfileLimits | None, now: datetime, offset: int,
    limit: int,
) -> Page:
    query = ListQuery(await _region(repo, region), leaving_window(now, within_days), platforms,
                      audience_of(limits))
    return await repo.leaving(query, offset, limit)


async def changes(
    kind: ChangeKind, repo: AvailabilityRepository, *, region: str, since: date | None,
    platforms: Sequence[str], limits: ProfileLimits | None, now: datetime, offset: int,
    limit: int,
) -> Page:
    """Offers that changed by `kind` since `since` (new arrivals: APPEARED; price drops:
    PRICE_DROPPED), newest first."""
    query = ListQuery(await _region(repo, region), since_window(now, since), platforms,
                      audience_of(limits))
    return await repo.changes(kind, query, offset, limit)

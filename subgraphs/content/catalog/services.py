"""Catalog use cases: plain async functions over the repository, raising domain errors."""

from __future__ import annotations

import re
import uuid

from subgraphs.common.auth import Viewer
from subgraphs.common.parental import ProfileLimits
from subgraphs.common.profile_limits import ProfileLimitStore
from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.catalog.domain.errors import InvalidRegion, TitleNotFound
from subgraphs.content.catalog.domain.model import Title, TitleFilter

__all__ = ["acting_profile_limits", "get_title", "list_titles", "normalise_region"]

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


async def list_titles(
    repo: ContentRepository, title_filter: TitleFilter, offset: int, limit: int
) -> tuple[list[Title], int]:
    if title_filter.region is not None:
        title_filter = TitleFilter(
            kinds=title_filter.kinds,
            genres=title_filter.genres,
            year_from=title_filter.year_from,
            year_to=title_filter.year_to,
            platforms=title_filter.platforms,
            region=normalise_region(title_filter.region),
        )
    return await repo.list_titles(title_filter, offset, limit)


async def acting_profile_limits(store: ProfileLimitStore, viewer: Viewer) -> ProfileLimits | None:
    """The limits of the profile the sign-in acts as, when it is the viewer's own. A profile
    content has not heard of yet (its event is still on the way) sets none."""
    if viewer.profile_id is None or viewer.user_id is None:
        return None
    limits = await store.get(viewer.profile_id)
    if limits is None or limits.user_id != viewer.user_id:
        return None
    return limits

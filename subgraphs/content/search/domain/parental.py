"""A household profile's parental limits as content applies them to search.

The limits come from users' `profile.changed` events (content keeps its own copy); a search by
a sign-in acting as a profile gets them on top of the caller's filters, never looser.
"""

from __future__ import annotations

from dataclasses import replace

from subgraphs.common.parental import ProfileLimits
from subgraphs.content.search.domain.model import SearchFilters

__all__ = ["ProfileLimits", "restrict"]


def restrict(filters: SearchFilters, limits: ProfileLimits | None) -> SearchFilters:
    """`filters` made at least as strict as the profile's limits."""
    if limits is None or limits.deleted:
        return filters
    max_age = filters.max_age_rating
    if limits.max_age is not None:
        max_age = limits.max_age if max_age is None else min(max_age, limits.max_age)
    blocked = tuple(dict.fromkeys((*filters.blocked_genres, *limits.blocked_genres)))
    return replace(filters, max_age_rating=max_age, blocked_genres=blocked)

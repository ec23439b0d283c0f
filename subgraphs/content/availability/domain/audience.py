"""Which titles a profile's parental limits leave in a list, as a filter the query can apply
(so pages and totals count only what the viewer may see)."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.parental import FAMILY_GENRES, ProfileLimits

__all__ = ["Audience", "audience_of"]


@dataclass(frozen=True)
class Audience:
    """Titles in none of `blocked_genres` and, when `only_genres` is set, in one of them."""

    blocked_genres: tuple[str, ...] = ()
    only_genres: tuple[str, ...] = ()


def audience_of(limits: ProfileLimits | None) -> Audience:
    """`ProfileLimits.allows` as a filter. No title carries an age rating yet (no feed supplies
    one), so an age limit leaves only family titles, as `allows` does for an unrated one."""
    if limits is None or limits.deleted or not limits.restricts:
        return Audience()
    only = tuple(sorted(FAMILY_GENRES)) if limits.max_age is not None else ()
    return Audience(blocked_genres=tuple(sorted(limits.blocked_genres)), only_genres=only)

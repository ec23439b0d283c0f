"""A household profile's parental limits, as users' `profile.changed` event carries them.

Content (search), recommendations and playback each keep their own copy of the limits from the
event; this is the one reading of its payload and the one rule for what a limit allows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from subgraphs.common import contracts

__all__ = ["FAMILY_GENRES", "PROFILE_CHANGED", "ProfileLimits", "profile_from_payload"]

PROFILE_CHANGED = contracts.PROFILE_CHANGED.name

# Under an age limit, an unrated title passes only when it is made for families.
FAMILY_GENRES = frozenset({"family", "animation"})


@dataclass(frozen=True)
class ProfileLimits:
    profile_id: uuid.UUID
    user_id: uuid.UUID
    is_kid: bool = False
    # The oldest minimum viewer age allowed (content's `age_rating` scale); None: no limit.
    max_age: int | None = None
    blocked_genres: tuple[str, ...] = ()
    # A deleted profile's tokens still carry it until they expire: its limits keep applying.
    deleted: bool = False

    @property
    def restricts(self) -> bool:
        """Whether the profile has any parental limit."""
        return self.is_kid or self.max_age is not None or bool(self.blocked_genres)

    def allows(self, genres: Iterable[str], age_rating: int | None) -> bool:
        genres = set(genres)
        if self.blocked_genres and genres & set(self.blocked_genres):
            return False
        if self.max_age is None:
            return True
        if age_rating is None:
            # Unknown is not "suitable".
            return bool(genres & FAMILY_GENRES)
        return age_rating <= self.max_age


def profile_from_payload(payload: Mapping[str, Any]) -> ProfileLimits:
    """Raises KeyError, TypeError or ValueError on a malformed payload."""
    max_age = payload.get("max_age")
    return ProfileLimits(
        profile_id=uuid.UUID(str(payload["profile_id"])),
        user_id=uuid.UUID(str(payload["user_id"])),
        is_kid=bool(payload.get("is_kid", False)),
        max_age=None if max_age is None else int(max_age),
        blocked_genres=tuple(str(g) for g in payload.get("blocked_genres") or ()),
        deleted=bool(payload.get("deleted", False)),
    )

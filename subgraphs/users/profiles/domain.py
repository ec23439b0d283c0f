"""What a household profile may be: names, avatars, parental limits and PINs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from subgraphs.common.errors import BadInput, Conflict, Forbidden
from subgraphs.users.domain.age_ratings import is_known_rating
from subgraphs.users.domain.model import normalise_genres

__all__ = [
    "AVATARS",
    "KID_MAX_AGE_RATING",
    "MAX_PROFILES",
    "LastProfile",
    "ProfileDraft",
    "ProfileLocked",
    "TooManyProfiles",
    "WrongPin",
    "check_pin",
]

# A household's screens, as the big services allow (Netflix: 5).
MAX_PROFILES = 5
MAX_NAME = 50
AVATARS = ("blue", "green", "purple", "red", "yellow", "kid-cat", "kid-robot", "kid-star")
# A kid profile that names no limit still gets one: "kid" without a limit would show anything.
KID_MAX_AGE_RATING = "PG"
_PIN = re.compile(r"^[0-9]{4}$")


def check_pin(pin: str) -> str:
    if not _PIN.match(pin):
        raise BadInput("A profile PIN is exactly 4 digits.", field="pin")
    return pin


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise BadInput(f"A profile name has 1 to {MAX_NAME} characters.", field="name")
    return name


def _avatar(value: str) -> str:
    if value not in AVATARS:
        raise BadInput(f"Unknown avatar {value!r}; one of {', '.join(AVATARS)}.",
                       field="avatar")
    return value


def _rating(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    label = value.strip().upper()
    if len(label) > 20 or not is_known_rating(label):
        raise BadInput(f"{value!r} is not an age rating we know (such as PG-13, 12, FSK 16).",
                       field="maxAgeRating")
    return label


@dataclass(frozen=True)
class ProfileDraft:
    """A profile's settings as given, normalised; BadInput names the field that is wrong."""

    name: str
    avatar: str
    is_kid: bool
    max_age_rating: str | None
    blocked_genres: tuple[str, ...]

    @classmethod
    def of(
        cls, *, name: str, avatar: str, is_kid: bool, max_age_rating: str | None,
        blocked_genres: Iterable[str],
    ) -> ProfileDraft:
        rating = _rating(max_age_rating)
        try:
            genres = normalise_genres(blocked_genres)
        except BadInput as error:
            raise BadInput(str(error), field="blockedGenres") from None
        return cls(
            name=_name(name), avatar=_avatar(avatar), is_kid=is_kid,
            max_age_rating=rating if rating or not is_kid else KID_MAX_AGE_RATING,
            blocked_genres=genres,
        )


class TooManyProfiles(Conflict):
    def __init__(self) -> None:
        super().__init__(f"A household has at most {MAX_PROFILES} profiles.",
                         limit=MAX_PROFILES)


class LastProfile(Conflict):
    def __init__(self) -> None:
        super().__init__("An account keeps at least one profile; this is its last.")


class ProfileLocked(Forbidden):
    def __init__(self) -> None:
        super().__init__("A kid profile cannot manage profiles: switch to a grown-up's profile.")


class WrongPin(Forbidden):
    def __init__(self) -> None:
        super().__init__("That profile is locked with a PIN, and this is not it.", field="pin")

"""Accounts, profiles, watchlists and viewing history, with the rules their values follow."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from subgraphs.users.domain.errors import (
    InvalidDisplayName,
    InvalidEmail,
    InvalidGenre,
    InvalidPlatform,
    InvalidPosition,
    InvalidProgress,
    InvalidRating,
    InvalidRegion,
)

__all__ = [
    "COMPLETED_AT",
    "PLATFORMS",
    "Credentials",
    "Profile",
    "SigningKey",
    "TitleViewing",
    "User",
    "ViewingEvent",
    "WatchlistItem",
    "normalise_display_name",
    "normalise_email",
    "normalise_genres",
    "normalise_platforms",
    "normalise_region",
]

PLATFORMS = (
    "netflix", "prime_video", "disney_plus", "hulu", "apple_tv_plus", "max", "peacock",
    "paramount_plus", "youtube", "bbc_iplayer",
)
# A title counts as watched past this fraction (the product allows 90 to 95 %).
COMPLETED_AT = 0.95
MAX_DISPLAY_NAME = 100
MAX_GENRES = 30

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_REGION = re.compile(r"^[A-Z]{2}$")
_GENRE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively, so they are stored lower-cased."""
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidEmail(email)
    return value


def normalise_region(region: str) -> str:
    code = region.strip().upper()
    if not _REGION.match(code):
        raise InvalidRegion(region)
    return code


def normalise_display_name(name: str) -> str:
    value = " ".join(name.split())
    if not 1 <= len(value) <= MAX_DISPLAY_NAME:
        raise InvalidDisplayName(MAX_DISPLAY_NAME)
    return value


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def normalise_platforms(slugs: Iterable[str]) -> tuple[str, ...]:
    values = _unique(slug.strip().lower() for slug in slugs)
    for slug in values:
        if slug not in PLATFORMS:
            raise InvalidPlatform(slug)
    return values


def normalise_genres(slugs: Iterable[str]) -> tuple[str, ...]:
    values = _unique(slug.strip().lower() for slug in slugs)
    for slug in values:
        if not _GENRE.match(slug):
            raise InvalidGenre(slug)
    if len(values) > MAX_GENRES:
        raise InvalidGenre(values[MAX_GENRES])
    return values


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    display_name: str
    home_region: str
    subscribed_platforms: tuple[str, ...]
    preferred_genres: tuple[str, ...]
    created_at: datetime
    email_verified_at: datetime | None = None  # when its owner proved they read the address

    @classmethod
    def new(
        cls,
        *,
        email: str,
        display_name: str,
        home_region: str,
        subscribed_platforms: Iterable[str],
        preferred_genres: Iterable[str],
        now: datetime,
        id: uuid.UUID | None = None,
    ) -> User:
        """A new account from what someone typed, normalised, or BadInput naming the field."""
        return cls(
            id=id or uuid.uuid4(),
            email=normalise_email(email),
            display_name=normalise_display_name(display_name),
            home_region=normalise_region(home_region),
            subscribed_platforms=normalise_platforms(subscribed_platforms),
            preferred_genres=normalise_genres(preferred_genres),
            created_at=now,
        )

    def with_preferences(
        self,
        *,
        display_name: str | None = None,
        home_region: str | None = None,
        subscribed_platforms: Iterable[str] | None = None,
        preferred_genres: Iterable[str] | None = None,
    ) -> User:
        """This user with the given preferences changed; None leaves one as it is."""
        return replace(
            self,
            display_name=self.display_name if display_name is None
            else normalise_display_name(display_name),
            home_region=self.home_region if home_region is None
            else normalise_region(home_region),
            subscribed_platforms=self.subscribed_platforms if subscribed_platforms is None
            else normalise_platforms(subscribed_platforms),
            preferred_genres=self.preferred_genres if preferred_genres is None
            else normalise_genres(preferred_genres),
        )


@dataclass(frozen=True)
class Credentials:
    """What sign-in checks a password against."""

    user_id: uuid.UUID
    password_hash: str


@dataclass(frozen=True)
class Profile:
    """One member of a household; parental controls apply to kid profiles."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    is_kid: bool = False
    max_age_rating: str | None = None
    blocked_genres: tuple[str, ...] = ()
    avatar: str = "blue"
    # Switching into a profile with a PIN needs it (the PIN's hash never leaves the adapter).
    has_pin: bool = False

    @classmethod
    def default_for(cls, user: User) -> Profile:
        """The profile every account starts with, named after its owner."""
        return cls(id=uuid.uuid4(), user_id=user.id, name=user.display_name)


@dataclass(frozen=True)
class WatchlistItem:
    user_id: uuid.UUID
    title_id: uuid.UUID
    added_at: datetime


@dataclass(frozen=True)
class ViewingEvent:
    id: uuid.UUID
    user_id: uuid.UUID
    title_id: uuid.UUID
    progress: float
    occurred_at: datetime
    completed: bool = False
    position_seconds: int | None = None
    rating: int | None = None

    @classmethod
    def record(
        cls,
        *,
        user_id: uuid.UUID,
        title_id: uuid.UUID,
        progress: float,
        occurred_at: datetime,
        position_seconds: int | None = None,
        rating: int | None = None,
        completed: bool | None = None,
        id: uuid.UUID | None = None,
    ) -> ViewingEvent:
        """A checked event; completed when said so or once progress reaches COMPLETED_AT."""
        if not 0.0 <= progress <= 1.0:
            raise InvalidProgress(progress)
        if rating is not None and not 1 <= rating <= 5:
            raise InvalidRating(rating)
        if position_seconds is not None and position_seconds < 0:
            raise InvalidPosition(position_seconds)
        return cls(
            id=id or uuid.uuid4(),
            user_id=user_id,
            title_id=title_id,
            progress=progress,
            occurred_at=occurred_at,
            completed=bool(completed) or progress >= COMPLETED_AT,
            position_seconds=position_seconds,
            rating=rating,
        )


@dataclass(frozen=True)
class TitleViewing:
    """A viewer's history with one title, summarised: the latest progress and rating."""

    progress: float
    last_watched_at: datetime
    rating: int | None = None


@dataclass(frozen=True)
class SigningKey:
    """An RSA key access tokens are signed with; `kid` names it in token headers and JWKS."""

    kid: str
    private_pem: str
    created_at: datetime = field(compare=False)

"""Rows of the users database to domain objects and back."""

from __future__ import annotations

from datetime import UTC, datetime

from subgraphs.users.adapters.orm import ProfileRow, UserRow, ViewingEventRow, WatchlistItemRow
from subgraphs.users.domain.model import Profile, User, ViewingEvent, WatchlistItem

__all__ = ["profile_from_row", "profile_to_row", "user_from_row", "user_to_row",
           "viewing_from_row", "viewing_to_row", "watchlist_from_row"]


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        home_region=row.home_region,
        subscribed_platforms=tuple(row.subscribed_platforms),
        preferred_genres=tuple(row.preferred_genres),
        created_at=row.created_at,
        email_verified_at=row.email_verified_at,
    )


def user_to_row(user: User, password_hash: str) -> UserRow:
    return UserRow(
        id=user.id,
        email=user.email,
        password_hash=password_hash,
        display_name=user.display_name,
        home_region=user.home_region,
        subscribed_platforms=list(user.subscribed_platforms),
        preferred_genres=list(user.preferred_genres),
        created_at=user.created_at,
        email_verified_at=user.email_verified_at,
    )


def profile_to_row(profile: Profile, pin_hash: str | None = None) -> ProfileRow:
    return ProfileRow(
        id=profile.id,
        user_id=profile.user_id,
        name=profile.name,
        is_kid=profile.is_kid,
        max_age_rating=profile.max_age_rating,
        blocked_genres=list(profile.blocked_genres),
        avatar=profile.avatar,
        pin_hash=pin_hash,
        created_at=datetime.now(UTC),
    )


def profile_from_row(row: ProfileRow) -> Profile:
    return Profile(
        id=row.id,
        user_id=row.user_id,  # type: ignore[attr-defined]
        name=row.name,
        is_kid=row.is_kid,
        max_age_rating=row.max_age_rating,
        blocked_genres=tuple(row.blocked_genres),
        avatar=row.avatar,
        has_pin=row.pin_hash is not None,
    )


def viewing_from_row(row: ViewingEventRow) -> ViewingEvent:
    return ViewingEvent(
        id=row.id,
        user_id=row.user_id,  # type: ignore[attr-defined]
        title_id=row.title_id,
        progress=row.progress,
        occurred_at=row.occurred_at,
        completed=row.completed,
        position_seconds=row.position_seconds,
        rating=row.rating,
    )


def viewing_to_row(event: ViewingEvent) -> ViewingEventRow:
    return ViewingEventRow(
        id=event.id,
        user_id=event.user_id,
        title_id=event.title_id,
        progress=event.progress,
        position_seconds=event.position_seconds,
        completed=event.completed,
        rating=event.rating,
        occurred_at=event.occurred_at,
    )


def watchlist_from_row(row: WatchlistItemRow) -> WatchlistItem:
    return WatchlistItem(
        user_id=row.user_id,  # type: ignore[attr-defined]
        title_id=row.title_id,
        added_at=row.added_at,
    )

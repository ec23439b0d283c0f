"""The events this subgraph publishes, built from domain objects; ids travel as strings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from subgraphs.common import contracts
from subgraphs.common.events import Event
from subgraphs.common.ids import stable_id
from subgraphs.users.domain.age_ratings import minimum_age
from subgraphs.users.domain.model import Profile, User, ViewingEvent

__all__ = [
    "PROFILE_CHANGED",
    "USER_REGISTERED",
    "USER_UPDATED",
    "VIEWING_RECORDED",
    "WATCHLIST_CHANGED",
    "profile_changed",
    "user_registered",
    "user_updated",
    "viewing_recorded",
    "watchlist_changed",
]

# The payloads below are the contracts' (subgraphs.common.contracts.users), key for key.
VIEWING_RECORDED = contracts.VIEWING_RECORDED.name
WATCHLIST_CHANGED = contracts.WATCHLIST_CHANGED.name
USER_REGISTERED = contracts.USER_REGISTERED.name
USER_UPDATED = contracts.USER_UPDATED.name
PROFILE_CHANGED = contracts.PROFILE_CHANGED.name


def _with_origin(payload: dict[str, object], origin: str | None) -> dict[str, object]:
    """`origin: "sync"` marks a fact that came from playback's sync, which already has it."""
    return {**payload, "origin": origin} if origin else payload


def viewing_recorded(event: ViewingEvent, origin: str | None = None) -> Event:
    """Event id = viewing event id, so consumers can drop redeliveries and reseeds."""
    return Event(
        type=VIEWING_RECORDED,
        id=str(event.id),
        occurred_at=event.occurred_at.isoformat(),
        payload=_with_origin({
            "event_id": str(event.id),
            "user_id": str(event.user_id),
            "title_id": str(event.title_id),
            "progress": event.progress,
            "completed": event.completed,
            "rating": event.rating,
            "occurred_at": event.occurred_at.isoformat(),
        }, origin),
    )


def watchlist_changed(
    user_id: uuid.UUID, title_id: uuid.UUID, action: Literal["added", "removed"], at: datetime,
    origin: str | None = None,
) -> Event:
    return Event(
        type=WATCHLIST_CHANGED,
        occurred_at=at.isoformat(),
        payload=_with_origin({
            "user_id": str(user_id),
            "title_id": str(title_id),
            "action": action,
            "at": at.isoformat(),
        }, origin),
    )


def user_registered(user: User) -> Event:
    return Event(
        type=USER_REGISTERED,
        id=str(user.id),
        occurred_at=user.created_at.isoformat(),
        payload={
            "user_id": str(user.id),
            "preferred_genres": list(user.preferred_genres),
            "home_region": user.home_region,
            "subscribed_platforms": list(user.subscribed_platforms),
        },
    )


def user_updated(user: User, at: datetime) -> Event:
    """Preferences changed: playback picks offers by home region and subscribed platforms."""
    return Event(
        type=USER_UPDATED,
        occurred_at=at.isoformat(),
        payload={
            "user_id": str(user.id),
            "preferred_genres": list(user.preferred_genres),
            "home_region": user.home_region,
            "subscribed_platforms": list(user.subscribed_platforms),
        },
    )


def profile_changed(
    profile: Profile, at: datetime, *, deleted: bool = False, created: bool = False
) -> Event:
    """A household profile as it now is (`deleted`: gone). Each change gets a fresh id, so a
    redelivery repeats an id; a creation's id is derived from the profile, so publishing it
    again (a seed rerun) repeats one too. `max_age` is the limit as a minimum age in years,
    the scale of content's `age_rating`; null sets no limit."""
    return Event(
        type=PROFILE_CHANGED,
        id=str(stable_id(PROFILE_CHANGED, profile.id, "created")) if created
        else str(uuid.uuid4()),
        occurred_at=at.isoformat(),
        payload={
            "profile_id": str(profile.id),
            "user_id": str(profile.user_id),
            "name": profile.name,
            "is_kid": profile.is_kid,
            "max_age": minimum_age(profile.max_age_rating),
            "max_age_rating": profile.max_age_rating,
            "blocked_genres": list(profile.blocked_genres),
            "deleted": deleted,
            "occurred_at": at.isoformat(),
        },
    )

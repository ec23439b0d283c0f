"""Streams the users subgraph publishes about accounts, profiles, watchlists and viewings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from subgraphs.common.contracts.base import Payload, StreamContract

__all__ = [
    "DEVICE_SIGNED_IN",
    "PROFILE_CHANGED",
    "USER_REGISTERED",
    "USER_UPDATED",
    "VIEWING_RECORDED",
    "WATCHLIST_CHANGED",
    "DeviceSignedIn",
    "ProfileChanged",
    "UserPreferences",
    "ViewingRecorded",
    "WatchlistChanged",
]

# Set (to "sync") only on facts users took from playback's sync, which playback must not take
# back; left out otherwise.
Origin = Annotated[Literal["sync"] | None, Field(
    description='"sync": the fact came from playback\'s sync (playback skips it); '
                "absent otherwise.")]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class ViewingRecorded(Payload):
    """A viewing a user recorded (or a device reported through sync)."""

    event_id: uuid.UUID = Field(description="The viewing's id, also the event's id.")
    user_id: uuid.UUID
    title_id: uuid.UUID
    progress: Fraction
    completed: bool
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    occurred_at: datetime
    origin: Origin = None


class WatchlistChanged(Payload):
    """A title added to or removed from a user's watchlist."""

    user_id: uuid.UUID
    title_id: uuid.UUID
    action: Literal["added", "removed"]
    at: datetime
    origin: Origin = None


class UserPreferences(Payload):
    """An account's tastes and where it watches, as they now are."""

    user_id: uuid.UUID
    preferred_genres: list[str] = Field(description="Genre slugs, in the user's order.")
    home_region: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.")
    subscribed_platforms: list[str] = Field(description="Platform slugs.")


class ProfileChanged(Payload):
    """A household profile as it now is, with its parental limits."""

    profile_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    is_kid: bool
    max_age: Annotated[int, Field(ge=0)] | None = Field(
        None, description="The oldest minimum viewer age allowed (content's age_rating scale); "
                          "null: no limit.")
    max_age_rating: str | None = Field(None, description="The label the user chose.")
    blocked_genres: list[str]
    deleted: bool
    occurred_at: datetime


class DeviceSignedIn(Payload):
    """A TV signed in with the device flow; playback registers it as a device."""

    user_id: uuid.UUID
    client_id: str
    client_name: str
    sign_in_id: uuid.UUID = Field(description="The refresh family's id, also the event's id.")


VIEWING_RECORDED = StreamContract(
    "viewing.recorded", 1, "users",
    "A viewing recorded; the event id is the viewing's, so redeliveries and reseeds repeat it.",
    ViewingRecorded)
WATCHLIST_CHANGED = StreamContract(
    "watchlist.changed", 1, "users", "A title added to or removed from a watchlist.",
    WatchlistChanged)
USER_REGISTERED = StreamContract(
    "user.registered", 1, "users",
    "A new account's preferences; the event id is the user's.", UserPreferences)
USER_UPDATED = StreamContract(
    "user.updated", 1, "users",
    "An account's preferences changed (same payload as user.registered): the latest wins.",
    UserPreferences)
PROFILE_CHANGED = StreamContract(
    "profile.changed", 1, "users",
    "A household profile created, changed or deleted, with its parental limits.",
    ProfileChanged)
DEVICE_SIGNED_IN = StreamContract(
    "device.signed_in", 1, "users",
    "A TV signed in with the OAuth device flow; the event id is the sign-in's.",
    DeviceSignedIn)

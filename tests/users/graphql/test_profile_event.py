"""Profiles go out as `profile.changed`, after the write committed, once per change."""

from __future__ import annotations

import uuid
from datetime import datetime

from redis import Redis

from tests.users.conftest import UsersClient, error_codes, events_of

PROFILES = "{ me { profiles { id name isKid maxAgeRating blockedGenres } } }"


def test_registering_publishes_the_default_profile(users: UsersClient, redis: Redis) -> None:
    user_id = users.new_user(displayName="Ada")
    [profile] = users.execute(PROFILES, user_id=user_id)["data"]["me"]["profiles"]
    [event] = events_of(redis, "profile.changed", user_id=str(user_id))
    assert event.payload == {
        "profile_id": profile["id"], "user_id": str(user_id), "name": "Ada", "is_kid": False,
        "max_age": None, "max_age_rating": None, "blocked_genres": [], "deleted": False,
        "occurred_at": event.occurred_at,
    }
    assert datetime.fromisoformat(event.occurred_at).tzinfo is not None
    # The id is the profile's creation: another one can never carry it.
    assert uuid.UUID(event.id) and event.id != profile["id"]


def test_a_refused_registration_publishes_no_profile(users: UsersClient, redis: Redis) -> None:
    users.new_user(email="taken@example.com")
    before = redis.xlen("profile.changed")
    assert error_codes(users.register(email="taken@example.com")) == ["CONFLICT"]
    assert redis.xlen("profile.changed") == before

"""`profile.changed` payloads and the age limit they carry, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from subgraphs.users.domain.age_ratings import minimum_age
from subgraphs.users.domain.model import Profile
from subgraphs.users.events import PROFILE_CHANGED, profile_changed

NOW = datetime(2026, 1, 1, tzinfo=UTC)
KID = Profile(id=uuid.uuid4(), user_id=uuid.uuid4(), name="Sam", is_kid=True,
              max_age_rating="PG-13", blocked_genres=("horror",))


@pytest.mark.parametrize(("rating", "age"), [
    (None, None), ("", None), ("  ", None),
    ("G", 0), ("U", 0), ("tv-y", 0), ("TV Y7", 7), ("PG", 8), ("TV-PG", 10),
    ("12", 12), ("12A", 12), ("PG-13", 13), ("TV-14", 14), ("R15+", 15), ("FSK 16", 16),
    ("-12", 12), ("R", 17), ("TV-MA", 17), ("NC-17", 18), ("nc 17", 18), ("18", 18),
    # Set but not understood: the strictest limit, never none.
    ("unrated", 0), ("999", 0),
])
def test_age_rating_limits_become_minimum_ages(rating: str | None, age: int | None) -> None:
    assert minimum_age(rating) == age


def test_payload_describes_the_profile_with_its_limit_as_a_minimum_age() -> None:
    event = profile_changed(KID, NOW)
    assert event.type == PROFILE_CHANGED == "profile.changed"
    assert event.occurred_at == NOW.isoformat()
    assert event.payload == {
        "profile_id": str(KID.id), "user_id": str(KID.user_id), "name": "Sam", "is_kid": True,
        "max_age": 13, "max_age_rating": "PG-13", "blocked_genres": ["horror"],
        "deleted": False, "occurred_at": NOW.isoformat(),
    }


def test_each_change_has_its_own_id_and_a_creation_a_stable_one() -> None:
    assert profile_changed(KID, NOW).id != profile_changed(KID, NOW).id
    assert profile_changed(KID, NOW, created=True).id == profile_changed(
        KID, NOW, created=True).id


def test_a_deleted_profile_says_so() -> None:
    assert profile_changed(KID, NOW, deleted=True).payload["deleted"] is True

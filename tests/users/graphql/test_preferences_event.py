"""Changed preferences go out as `user.updated`, which playback uses to pick offers."""

from __future__ import annotations

from redis import Redis

from tests.users.conftest import UsersClient, events_of

UPDATE = """
mutation($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { homeRegion } }
"""


def test_updating_preferences_publishes_region_and_platforms(
    users: UsersClient, redis: Redis
) -> None:
    user_id = users.new_user(subscribedPlatforms=["netflix"])
    assert events_of(redis, "user.updated", user_id=str(user_id)) == []
    changes = {"homeRegion": "de", "subscribedPlatforms": ["max", "netflix"]}
    assert "errors" not in users.execute(UPDATE, {"input": changes}, user_id=user_id)
    [event] = events_of(redis, "user.updated", user_id=str(user_id))
    assert event.payload["home_region"] == "DE"
    assert sorted(event.payload["subscribed_platforms"]) == ["max", "netflix"]
    # A refused change publishes nothing.
    bad = users.execute(UPDATE, {"input": {"homeRegion": "nowhere"}}, user_id=user_id)
    assert "errors" in bad
    assert len(events_of(redis, "user.updated", user_id=str(user_id))) == 1

"""Household profiles over the users app's real HTTP: managing them, their limits, PINs, and
switching the profile a token acts as."""

from __future__ import annotations

import uuid
from typing import Any

import jwt
from redis import Redis

from tests.users.conftest import UsersClient, error_codes, events_of

OWNER = "read:watchlist write:watchlist read:history write:history playback:control profile account"
FIELDS = "id name avatar isKid maxAgeRating blockedGenres hasPin"
CREATE = (
    f"mutation($i: CreateProfileInput!) {{ createProfile(input: $i) {{ profile {{ {FIELDS} }} }} }}"
)
UPDATE = (
    f"mutation($i: UpdateProfileInput!) {{ updateProfile(input: $i) {{ profile {{ {FIELDS} }} }} }}"
)
DELETE = "mutation($p: ID!) { deleteProfile(profileId: $p) { deletedProfileId } }"
SWITCH = """mutation($p: ID!, $pin: String) {
  switchProfile(profileId: $p, pin: $pin) { accessToken tokenType expiresIn profile { id name } }
}"""
ME = f"{{ me {{ profiles {{ {FIELDS} }} activeProfile {{ id name }} }} }}"


def _create(users: UsersClient, user_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    return users.execute(CREATE, {"i": fields}, user_id=user_id, scope=OWNER)


def _made(users: UsersClient, user_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    result = _create(users, user_id, **fields)
    assert "errors" not in result, result
    return result["data"]["createProfile"]["profile"]


def _profiles(users: UsersClient, user_id: uuid.UUID, **claims: Any) -> dict[str, Any]:
    return users.execute(ME, user_id=user_id, scope=OWNER, claims=claims)["data"]["me"]


def test_a_kid_profile_gets_a_limit_and_goes_out_as_an_event(
    users: UsersClient, redis: Redis
) -> None:
    user_id = users.new_user(displayName="Ada")
    kid = _made(
        users, user_id, name="  Sam  ", isKid=True, avatar="kid-cat", blockedGenres=["Horror"]
    )
    assert kid["name"] == "Sam" and kid["maxAgeRating"] == "PG" and not kid["hasPin"]
    assert kid["blockedGenres"] == ["horror"]
    listed = _profiles(users, user_id)["profiles"]
    assert [p["name"] for p in listed] == ["Ada", "Sam"]  # in the order they were made
    [event] = events_of(redis, "profile.changed", profile_id=kid["id"])
    assert event.payload["max_age"] == 8 and event.payload["is_kid"] is True
    assert event.payload["blocked_genres"] == ["horror"]


def test_bad_settings_are_refused_by_field_and_write_nothing(
    users: UsersClient, redis: Redis
) -> None:
    user_id = users.new_user()
    before = redis.xlen("profile.changed")
    for fields, field in [
        ({"name": "   "}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"name": "Sam", "avatar": "dragon"}, "avatar"),
        ({"name": "Sam", "maxAgeRating": "banana"}, "maxAgeRating"),
        ({"name": "Sam", "blockedGenres": ["not a slug!"]}, "blockedGenres"),
        ({"name": "Sam", "pin": "12a4"}, "pin"),
        ({"name": "Sam", "pin": "12345"}, "pin"),
    ]:
        result = _create(users, user_id, **fields)
        assert error_codes(result) == ["BAD_USER_INPUT"], (fields, result)
        assert result["errors"][0]["extensions"]["field"] == field
    assert len(_profiles(users, user_id)["profiles"]) == 1
    assert redis.xlen("profile.changed") == before


def test_a_household_has_at_most_five_and_keeps_one(users: UsersClient) -> None:
    user_id = users.new_user()
    made = [_made(users, user_id, name=f"P{n}") for n in range(4)]
    assert error_codes(_create(users, user_id, name="Sixth")) == ["CONFLICT"]
    for profile in made:
        result = users.execute(DELETE, {"p": profile["id"]}, user_id=user_id, scope=OWNER)
        assert result["data"]["deleteProfile"]["deletedProfileId"] == profile["id"]
    [last] = _profiles(users, user_id)["profiles"]
    assert error_codes(users.execute(DELETE, {"p": last["id"]}, user_id=user_id, scope=OWNER)) == [
        "CONFLICT"
    ]


def test_no_one_touches_another_households_profiles(users: UsersClient) -> None:
    ada, bob = users.new_user(), users.new_user()
    theirs = _made(users, bob, name="Bob's kid", isKid=True)
    for query, variables in [
        (DELETE, {"p": theirs["id"]}),
        (SWITCH, {"p": theirs["id"]}),
        (UPDATE, {"i": {"profileId": theirs["id"], "maxAgeRating": ""}}),
    ]:
        assert error_codes(users.execute(query, variables, user_id=ada, scope=OWNER)) == [
            "NOT_FOUND"
        ]
    assert _profiles(users, bob)["profiles"][1]["maxAgeRating"] == "PG"


def test_managing_needs_a_first_party_grown_up(users: UsersClient) -> None:
    user_id = users.new_user()
    kid = _made(users, user_id, name="Sam", isKid=True)
    # A third-party app's token (no `account` scope) cannot.
    third_party = users.execute(
        CREATE, {"i": {"name": "X"}}, user_id=user_id, scope="read:watchlist profile"
    )
    assert error_codes(third_party) == ["FORBIDDEN"]
    # A token acting as the kid cannot lift the kid's own limit.
    as_kid = users.execute(
        UPDATE,
        {"i": {"profileId": kid["id"], "maxAgeRating": ""}},
        user_id=user_id,
        scope=OWNER,
        claims={"profile": kid["id"]},
    )
    assert error_codes(as_kid) == ["FORBIDDEN"]
    lifted = users.execute(
        UPDATE,
        {"i": {"profileId": kid["id"], "maxAgeRating": "", "isKid": False}},
        user_id=user_id,
        scope=OWNER,
    )
    assert lifted["data"]["updateProfile"]["profile"]["maxAgeRating"] is None


def test_switching_issues_a_token_for_that_profile_with_the_same_scopes(
    users: UsersClient,
) -> None:
    user_id = users.new_user()
    kid = _made(users, user_id, name="Sam", isKid=True)
    result = users.execute(
        SWITCH, {"p": kid["id"]}, user_id=user_id, scope="profile read:watchlist"
    )
    payload = result["data"]["switchProfile"]
    assert payload["profile"] == {"id": kid["id"], "name": "Sam"}
    claims = jwt.decode(payload["accessToken"], options={"verify_signature": False})
    assert claims["profile"] == kid["id"] and claims["sub"] == str(user_id)
    assert claims["scope"].split() == ["profile", "read:watchlist"]  # never widened
    assert _profiles(users, user_id, profile=kid["id"])["activeProfile"]["name"] == "Sam"
    # Tokens naming no profile act as the first one made.
    assert _profiles(users, user_id)["activeProfile"]["name"] == "Ada"


def test_a_pin_locks_a_profile_and_guessing_it_is_limited(users: UsersClient) -> None:
    user_id = users.new_user()
    kid = _made(users, user_id, name="Sam", isKid=True)
    [owner] = [p for p in _profiles(users, user_id)["profiles"] if p["name"] == "Ada"]
    locked = users.execute(
        UPDATE, {"i": {"profileId": owner["id"], "pin": "4321"}}, user_id=user_id, scope=OWNER
    )
    assert locked["data"]["updateProfile"]["profile"]["hasPin"] is True
    as_kid = {"profile": kid["id"]}

    def switch(pin: str | None) -> dict[str, Any]:
        return users.execute(
            SWITCH, {"p": owner["id"], "pin": pin}, user_id=user_id, scope=OWNER, claims=as_kid
        )

    assert error_codes(switch(None)) == ["FORBIDDEN"]
    assert "switchProfile" in switch("4321")["data"]
    for _ in range(4):  # five wrong in all, counting the missing one
        assert error_codes(switch("0000")) == ["FORBIDDEN"]
    assert error_codes(switch("4321")) == ["RATE_LIMITED"]
    # The profile already acted as needs no PIN to renew its own token.
    again = users.execute(
        SWITCH, {"p": owner["id"]}, user_id=user_id, scope=OWNER, claims={"profile": owner["id"]}
    )
    assert "errors" not in again, again
    unlocked = users.execute(
        UPDATE,
        {"i": {"profileId": owner["id"], "pin": ""}},
        user_id=user_id,
        scope=OWNER,
        claims={"profile": owner["id"]},
    )
    assert unlocked["data"]["updateProfile"]["profile"]["hasPin"] is False

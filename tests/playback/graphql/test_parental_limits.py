"""A token acting as a limited profile cannot start, load or take over a title its limits
exclude: playback keeps its own copy of titles' age ratings and genres (`title.upserted`) and
of the profiles' limits (`profile.changed`)."""

from __future__ import annotations

import uuid

from redis import Redis

from tests.playback.graphql.remote_support import device, publish, wait_for_projections
from tests.support.inprocess import SubgraphClient

START = """
mutation($input: StartPlaybackInput!) { startPlayback(input: $input) { id } }
"""
SEND = "mutation($input: SendCommandInput!) { sendCommand(input: $input) { id } }"
HAND_OFF = "mutation($s: ID!, $d: ID!) { sendToDevice(sessionId: $s, targetDeviceId: $d) { " \
    "session { id } } }"


def _title(redis: Redis, age_rating: int | None, genres: list[str]) -> str:
    title = str(uuid.uuid4())
    publish(redis, "title.upserted", {"title_id": title, "title": "T", "offers": [],
                                      "age_rating": age_rating, "genres": genres})
    return title


def _profile(redis: Redis, user: uuid.UUID, *, is_kid: bool, max_age: int | None,
             blocked: list[str]) -> uuid.UUID:
    profile = uuid.uuid4()
    publish(redis, "profile.changed", {
        "profile_id": str(profile), "user_id": str(user), "name": "P", "is_kid": is_kid,
        "max_age": max_age, "blocked_genres": blocked, "deleted": False})
    return profile


def _start(playback: SubgraphClient, user: uuid.UUID, tv: str, title: str,
           profile: uuid.UUID | None) -> dict:
    claims = {"profile": str(profile)} if profile else None
    return playback.execute(START, {"input": {"deviceId": tv, "titleId": title,
                                              "durationSeconds": 5_400}},
                            user_id=user, claims=claims)


def _codes(result: dict) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


def test_a_kid_profile_starts_only_what_its_limits_allow(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    kid = _profile(redis, user, is_kid=True, max_age=7, blocked=["horror"])
    grown = _profile(redis, user, is_kid=False, max_age=None, blocked=[])
    family = _title(redis, 0, ["animation", "family"])
    thriller = _title(redis, 16, ["thriller"])
    ghost = _title(redis, 6, ["horror"])
    unrated = _title(redis, None, ["drama"])
    unknown = str(uuid.uuid4())  # never announced
    wait_for_projections(redis, ["title.upserted", "profile.changed"])
    tv = device(playback, user, "TV")

    assert "errors" not in _start(playback, user, tv, family, kid)
    for title in (thriller, ghost, unrated, unknown):
        refused = _start(playback, user, tv, title, kid)
        assert _codes(refused) == ["FORBIDDEN"], (title, refused)
        assert "parental limits" in refused["errors"][0]["message"]
    # The same titles for the grown-up's profile, and for a token acting as no profile.
    for profile in (grown, None):
        for title in (thriller, ghost, unrated, unknown):
            assert "errors" not in _start(playback, user, tv, title, profile)
    # Another household's limits never apply (nor leak) to this user.
    stranger = uuid.uuid4()
    other = device(playback, stranger, "TV")
    assert "errors" not in _start(playback, stranger, other, thriller, kid)


def test_a_kid_profile_cannot_load_or_take_over_an_excluded_title(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    kid = _profile(redis, user, is_kid=True, max_age=12, blocked=[])
    thriller = _title(redis, 16, ["thriller"])
    wait_for_projections(redis, ["title.upserted", "profile.changed"])
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE", remote=False, resolution="HD")
    claims = {"profile": str(kid)}

    load = playback.execute(SEND, {"input": {"targetDeviceId": tv, "kind": "LOAD",
                                             "titleId": thriller}}, user_id=user, claims=claims)
    assert _codes(load) == ["FORBIDDEN"], load
    # A parent's session on the phone: the kid's token may not move it to the TV.
    session = _start(playback, user, phone, thriller, None)["data"]["startPlayback"]["id"]
    moved = playback.execute(HAND_OFF, {"s": session, "d": tv}, user_id=user, claims=claims)
    assert _codes(moved) == ["FORBIDDEN"], moved
    # Limits relaxed by the parent (max age 18): the same start now goes through.
    publish(redis, "profile.changed", {
        "profile_id": str(kid), "user_id": str(user), "name": "P", "is_kid": True,
        "max_age": 18, "blocked_genres": [], "deleted": False})
    wait_for_projections(redis, ["profile.changed"])
    assert "errors" not in _start(playback, user, tv, thriller, kid)

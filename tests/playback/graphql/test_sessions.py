"""Playback sessions through the real app: start, update, resume position, paging, privacy."""

from __future__ import annotations

import uuid

from tests.playback.graphql.conftest import register, start
from tests.support.inprocess import SubgraphClient

UPDATE = """
mutation($input: UpdatePlaybackInput!) {
  updatePlayback(input: $input) { id positionSeconds state resumePositionSeconds }
}
"""
SESSIONS = """
query($id: ID!, $first: Int, $after: String) {
  _entities(representations: [{__typename: "User", id: $id}]) {
    ... on User {
      playbackSessions(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id device { name } } }
      }
    }
  }
}
"""


def test_start_and_update_playback(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    device_id = register(playback, user)["data"]["registerDevice"]["id"]
    started = start(playback, user, device_id, duration=6_000, position=120)
    session = started["data"]["startPlayback"]
    assert session["state"] == "PLAYING"
    assert session["resumePositionSeconds"] == 120
    assert session["device"]["id"] == device_id

    paused = playback.execute(
        UPDATE, {"input": {"sessionId": session["id"], "positionSeconds": 3_000,
                           "state": "PAUSED"}},
        user_id=user,
    )["data"]["updatePlayback"]
    assert (paused["positionSeconds"], paused["state"], paused["resumePositionSeconds"]) == (
        3_000, "PAUSED", 3_000,
    )
    # 95 % watched: nothing to resume.
    nearly = playback.execute(
        UPDATE, {"input": {"sessionId": session["id"], "positionSeconds": 5_700,
                           "state": "PLAYING"}},
        user_id=user,
    )["data"]["updatePlayback"]
    assert nearly["resumePositionSeconds"] is None


def test_position_outside_the_duration_is_bad_input(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    device_id = register(playback, user)["data"]["registerDevice"]["id"]
    result = start(playback, user, device_id, duration=100, position=101)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    session_id = start(playback, user, device_id, duration=100)["data"]["startPlayback"]["id"]
    result = playback.execute(
        UPDATE, {"input": {"sessionId": session_id, "positionSeconds": -5, "state": "PLAYING"}},
        user_id=user,
    )
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_someone_elses_device_or_session_is_as_unknown_as_one_that_never_was(
    playback: SubgraphClient,
) -> None:
    owner, other = uuid.uuid4(), uuid.uuid4()
    device_id = register(playback, owner)["data"]["registerDevice"]["id"]
    result = start(playback, other, device_id)
    unknown = start(playback, other, str(uuid.uuid4()))
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]
    assert result["errors"][0]["message"] == unknown["errors"][0]["message"].replace(
        unknown["errors"][0]["extensions"]["id"], device_id)
    session_id = start(playback, owner, device_id)["data"]["startPlayback"]["id"]
    result = playback.execute(
        UPDATE, {"input": {"sessionId": session_id, "positionSeconds": 1, "state": "PAUSED"}},
        user_id=other,
    )
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    sessions = playback.execute(SESSIONS, {"id": str(owner)}, user_id=other)
    assert sessions["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_sessions_page_newest_first(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    device_id = register(playback, user, "Phone", "PHONE")["data"]["registerDevice"]["id"]
    ids = [start(playback, user, device_id)["data"]["startPlayback"]["id"] for _ in range(3)]
    first = playback.execute(SESSIONS, {"id": str(user), "first": 2}, user_id=user)
    page = first["data"]["_entities"][0]["playbackSessions"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in page["edges"]] == ids[::-1][:2]
    assert page["edges"][0]["node"]["device"]["name"] == "Phone"
    rest = playback.execute(
        SESSIONS, {"id": str(user), "first": 2, "after": page["pageInfo"]["endCursor"]},
        user_id=user,
    )["data"]["_entities"][0]["playbackSessions"]
    assert [e["node"]["id"] for e in rest["edges"]] == [ids[0]]

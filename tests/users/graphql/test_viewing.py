"""Viewing history: validated events, newest first, published after commit."""

from __future__ import annotations

import uuid

from redis import Redis

from tests.users.conftest import Catalog, UsersClient, error_codes, events_of

RECORD = """
mutation($input: RecordViewingInput!) {
  recordViewing(input: $input) {
    id title { id } progress positionSeconds completed rating occurredAt
  }
}
"""
HISTORY = """
query {
  me { viewingHistory(first: 10) { totalCount edges { node { id title { id } progress } } } }
}
"""


def test_invalid_viewings_are_bad_input_and_write_nothing(
    users: UsersClient, redis: Redis, catalog: Catalog
) -> None:
    ada = users.new_user()
    (title,) = catalog(1)
    for fields in ({"rating": 6}, {"rating": 0}, {"progress": 1.5}, {"progress": -0.1},
                   {"positionSeconds": -5}, {"titleId": str(ada)}, {"titleId": str(uuid.uuid4())}):
        viewing = {"titleId": title, "progress": 0.5, **fields}
        result = users.execute(RECORD, {"input": viewing}, user_id=ada)
        assert error_codes(result) == ["BAD_USER_INPUT"], fields
        assert result["data"] is None
    history = users.execute(HISTORY, user_id=ada)["data"]["me"]["viewingHistory"]
    assert history == {"totalCount": 0, "edges": []}
    assert events_of(redis, "viewing.recorded", user_id=str(ada)) == []


def test_recorded_viewings_are_history_newest_first_and_events(
    users: UsersClient, redis: Redis, catalog: Catalog
) -> None:
    ada = users.new_user()
    started, finished = catalog(2)
    first = users.execute(
        RECORD, {"input": {"titleId": started, "progress": 0.4, "positionSeconds": 1800}},
        user_id=ada,
    )["data"]["recordViewing"]
    assert (first["completed"], first["rating"], first["positionSeconds"]) == (False, None, 1800)
    second = users.execute(
        RECORD, {"input": {"titleId": finished, "progress": 0.96, "rating": 4}}, user_id=ada
    )["data"]["recordViewing"]
    assert second["completed"] is True
    explicit = users.execute(
        RECORD, {"input": {"titleId": started, "progress": 0.5, "completed": True}}, user_id=ada
    )["data"]["recordViewing"]
    assert explicit["completed"] is True

    history = users.execute(HISTORY, user_id=ada)["data"]["me"]["viewingHistory"]
    assert history["totalCount"] == 3
    assert [edge["node"]["id"] for edge in history["edges"]] == [
        explicit["id"], second["id"], first["id"],
    ]

    (event,) = events_of(redis, "viewing.recorded", event_id=second["id"])
    assert event.id == second["id"]
    assert event.payload == {
        "event_id": second["id"], "user_id": str(ada), "title_id": finished, "progress": 0.96,
        "completed": True, "rating": 4, "occurred_at": event.payload["occurred_at"],
    }
    assert len(events_of(redis, "viewing.recorded", user_id=str(ada))) == 3


def test_recording_needs_the_history_scope(users: UsersClient) -> None:
    ada = users.new_user()
    viewing = {"input": {"titleId": str(uuid.uuid4()), "progress": 0.5}}
    assert error_codes(users.execute(RECORD, viewing)) == ["UNAUTHENTICATED"]
    no_scope = users.execute(RECORD, viewing, user_id=ada, scope="write:watchlist")
    assert error_codes(no_scope) == ["FORBIDDEN"]
    other = users.new_user()
    result = users.execute(
        "query($id: ID!) { user(id: $id) { viewingHistory { totalCount } } }",
        {"id": str(other)}, user_id=ada,
    )
    assert error_codes(result) == ["FORBIDDEN"]

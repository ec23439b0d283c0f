"""The watchlist: private to its owner, idempotent writes, one event a change."""

from __future__ import annotations

import uuid

from redis import Redis

from tests.users.conftest import Catalog, UsersClient, error_codes, events_of

ADD = "mutation($id: ID!) { addToWatchlist(titleId: $id) { title { id } addedAt } }"
REMOVE = "mutation($id: ID!) { removeFromWatchlist(titleId: $id) }"
WATCHLIST = """
query($id: ID!, $first: Int, $after: String) {
  user(id: $id) {
    watchlist(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node { title { id } addedAt } }
    }
  }
}
"""
ENTITY_WATCHLIST = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { id watchlist { totalCount } } }
}
"""


def _titles(result: dict) -> list[str]:
    return [edge["node"]["title"]["id"] for edge in result["data"]["user"]["watchlist"]["edges"]]


def test_a_user_reads_only_their_own_watchlist(users: UsersClient, catalog: Catalog) -> None:
    ada, bob = users.new_user(), users.new_user()
    (title,) = catalog(1)
    users.execute(ADD, {"id": title}, user_id=bob)

    own = users.execute(WATCHLIST, {"id": str(bob)}, user_id=bob)
    assert _titles(own) == [title]

    assert error_codes(users.execute(WATCHLIST, {"id": str(bob)}, user_id=ada)) == ["FORBIDDEN"]
    reps = {"reps": [{"__typename": "User", "id": str(bob)}]}
    assert error_codes(users.execute(ENTITY_WATCHLIST, reps, user_id=ada)) == ["FORBIDDEN"]
    assert error_codes(users.execute(ENTITY_WATCHLIST, reps)) == ["UNAUTHENTICATED"]
    entity = users.execute(ENTITY_WATCHLIST, reps, user_id=bob)["data"]["_entities"][0]
    assert entity == {"id": str(bob), "watchlist": {"totalCount": 1}}


def test_reading_the_watchlist_needs_its_scope(users: UsersClient) -> None:
    ada = users.new_user()
    result = users.execute(WATCHLIST, {"id": str(ada)}, user_id=ada, scope="read:history")
    assert error_codes(result) == ["FORBIDDEN"]


def test_add_and_remove_are_idempotent_and_publish_once(
    users: UsersClient, redis: Redis, catalog: Catalog
) -> None:
    ada = users.new_user()
    (title,) = catalog(1)

    first = users.execute(ADD, {"id": title}, user_id=ada)["data"]["addToWatchlist"]
    again = users.execute(ADD, {"id": title}, user_id=ada)["data"]["addToWatchlist"]
    assert first == again and first["title"]["id"] == title
    assert users.execute(WATCHLIST, {"id": str(ada)}, user_id=ada)["data"]["user"]["watchlist"][
        "totalCount"
    ] == 1

    assert users.execute(REMOVE, {"id": title}, user_id=ada)["data"]["removeFromWatchlist"] is True
    assert users.execute(REMOVE, {"id": title}, user_id=ada)["data"]["removeFromWatchlist"] is False
    assert _titles(users.execute(WATCHLIST, {"id": str(ada)}, user_id=ada)) == []

    changes = events_of(redis, "watchlist.changed", user_id=str(ada))
    assert [(e.payload["action"], e.payload["title_id"]) for e in changes] == [
        ("added", title), ("removed", title),
    ]
    assert changes[0].payload["at"] == first["addedAt"]


def test_watchlist_writes_need_a_signed_in_caller_with_the_scope(users: UsersClient) -> None:
    ada = users.new_user()
    title = {"id": str(uuid.uuid4())}
    assert error_codes(users.execute(ADD, title)) == ["UNAUTHENTICATED"]
    assert error_codes(users.execute(REMOVE, title)) == ["UNAUTHENTICATED"]
    no_scope = users.execute(ADD, title, user_id=ada, scope="read:watchlist")
    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert error_codes(users.execute(ADD, {"id": "nope"}, user_id=ada)) == ["BAD_USER_INPUT"]


def test_watchlist_pages_newest_first(users: UsersClient, catalog: Catalog) -> None:
    ada = users.new_user()
    titles = catalog(3)
    for title in titles:
        users.execute(ADD, {"id": title}, user_id=ada)

    first = users.execute(WATCHLIST, {"id": str(ada), "first": 2}, user_id=ada)
    page = first["data"]["user"]["watchlist"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    rest = users.execute(
        WATCHLIST, {"id": str(ada), "first": 2, "after": page["pageInfo"]["endCursor"]},
        user_id=ada,
    )
    assert _titles(first) + _titles(rest) == titles[::-1]
    assert not rest["data"]["user"]["watchlist"]["pageInfo"]["hasNextPage"]


def test_only_catalog_titles_go_on_a_watchlist(
    users: UsersClient, redis: Redis, catalog: Catalog
) -> None:
    ada = users.new_user()
    (title,) = catalog(1)
    # A user's id, a random id: not titles content announced.
    for stranger in (str(ada), str(uuid.uuid4())):
        result = users.execute(ADD, {"id": stranger}, user_id=ada)
        assert error_codes(result) == ["BAD_USER_INPUT"]
        assert result["errors"][0]["extensions"]["reason"] == "UNKNOWN_TITLE"
    assert users.execute(WATCHLIST, {"id": str(ada)}, user_id=ada)["data"]["user"][
        "watchlist"]["totalCount"] == 0
    assert events_of(redis, "watchlist.changed", user_id=str(ada)) == []
    assert "errors" not in users.execute(ADD, {"id": title}, user_id=ada)

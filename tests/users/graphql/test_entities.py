"""`Title` entities extended with the viewer's state: batched, one query a table."""

from __future__ import annotations

import logging
import re
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.users.conftest import Catalog, UsersClient, error_codes

VIEWER_STATE = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Title { id viewerState { inWatchlist progress rating lastWatchedAt } }
  }
}
"""
ADD = "mutation($id: ID!) { addToWatchlist(titleId: $id) { addedAt } }"
RECORD = """
mutation($input: RecordViewingInput!) { recordViewing(input: $input) { occurredAt } }
"""


class _Queries(logging.Handler):
    """Counts the SELECTs Tortoise sends, by the table they read."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.tables: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith("SELECT"):
            match = re.search(r'FROM\s+"?(\w+)"?', message, re.IGNORECASE)
            if match:
                self.tables[match.group(1)] += 1


@pytest.fixture
def queries() -> Iterator[_Queries]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Queries(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _reps(titles: list[str]) -> dict:
    return {"reps": [{"__typename": "Title", "id": title} for title in titles]}


def test_viewer_state_of_50_titles_costs_one_query_a_table(
    users: UsersClient, queries: _Queries, catalog: Catalog
) -> None:
    ada, bob = users.new_user(), users.new_user()
    titles = catalog(50)
    added = users.execute(ADD, {"id": titles[0]}, user_id=ada)
    users.execute(RECORD, {"input": {"titleId": titles[1], "progress": 1.0, "rating": 5}},
                  user_id=ada)
    latest = users.execute(RECORD, {"input": {"titleId": titles[1], "progress": 0.25}},
                           user_id=ada)["data"]["recordViewing"]
    users.execute(ADD, {"id": titles[2]}, user_id=bob)  # someone else's: not ada's state

    queries.tables.clear()
    result = users.execute(VIEWER_STATE, _reps(titles), user_id=ada)

    assert "errors" not in result, result
    assert queries.tables == Counter({"watchlist_item": 1, "viewing_event": 1})
    states = [entity["viewerState"] for entity in result["data"]["_entities"]]
    assert [entity["id"] for entity in result["data"]["_entities"]] == titles
    assert states[0] == {"inWatchlist": True, "progress": None, "rating": None,
                         "lastWatchedAt": None}
    assert added["data"]["addToWatchlist"]["addedAt"]
    # The latest progress, and the latest rating given even though the newest event has none.
    assert states[1] == {"inWatchlist": False, "progress": 0.25, "rating": 5,
                         "lastWatchedAt": latest["occurredAt"]}
    empty = {"inWatchlist": False, "progress": None, "rating": None, "lastWatchedAt": None}
    assert states[2:] == [empty] * 48


def test_viewer_state_is_null_for_anonymous_callers(
    users: UsersClient, queries: _Queries
) -> None:
    titles = [str(uuid.uuid4()) for _ in range(3)]
    queries.tables.clear()
    result = users.execute(VIEWER_STATE, _reps(titles))
    assert [entity["viewerState"] for entity in result["data"]["_entities"]] == [None] * 3
    assert not queries.tables


def test_a_malformed_title_reference_is_bad_input(users: UsersClient) -> None:
    result = users.execute(VIEWER_STATE, _reps(["not-a-uuid"]))
    assert error_codes(result) == ["BAD_USER_INPUT"]

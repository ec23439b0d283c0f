"""The content schema served by its real app over a real database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.support.inprocess import SubgraphClient, run_subgraph


@pytest.fixture
def content(database_url: str, redis_url: str) -> Iterator[SubgraphClient]:
    with run_subgraph("content", database_url, redis_url) as client:
        yield client


def test_unknown_title_is_not_found(content: SubgraphClient) -> None:
    result = content.execute("query($id: ID!) { title(id: $id) { id } }",
                             {"id": str(uuid.uuid4())})
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_malformed_title_id_is_bad_input(content: SubgraphClient) -> None:
    result = content.execute('{ title(id: "not-a-uuid") { id } }')
    error = result["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in str(result)


@pytest.mark.parametrize("first", [0, 101, 1000])
def test_page_size_outside_limits_is_bad_input(content: SubgraphClient, first: int) -> None:
    result = content.execute("query($first: Int) { titles(first: $first) { totalCount } }",
                             {"first": first})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result["data"] is None

from __future__ import annotations

import pytest
from graphql import parse

from subgraphs.common.errors import BadInput
from subgraphs.common.extensions.complexity import operation_cost
from subgraphs.common.pagination import PageRequest, encode_cursor


def test_nested_lists_multiply_by_page_size() -> None:
    flat = operation_cost(parse("{ titles(first: 10) { id title } }").definitions)
    nested = operation_cost(
        parse("{ titles(first: 10) { similar(first: 10) { id } } }").definitions
    )
    assert flat == 1 + 10 * 2
    assert nested == 1 + 10 * (1 + 10 * 1)


def test_fragments_count_once_per_spread() -> None:
    query = "fragment F on T { a b } { x(first: 2) { ...F } }"
    assert operation_cost(parse(query).definitions) == 1 + 2 * 2


@pytest.mark.parametrize("first", [0, -1, 101])
def test_page_size_is_bounded(first: int) -> None:
    with pytest.raises(BadInput):
        PageRequest.from_args(first, None)


def test_cursor_continues_after_the_last_edge() -> None:
    assert PageRequest.from_args(5, encode_cursor(9)) == PageRequest(offset=10, limit=5)
    with pytest.raises(BadInput):
        PageRequest.from_args(5, "bm90LWEtY3Vyc29y")

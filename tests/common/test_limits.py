from __future__ import annotations

import pytest
import strawberry
from graphql import parse

from subgraphs.common.errors import BadInput
from subgraphs.common.extensions import ErrorCodes, MaxComplexity
from subgraphs.common.extensions.complexity import operation_cost
from subgraphs.common.pagination import PageRequest, encode_cursor
from tests.common.nested_schema import Query as _Query


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



async def test_schema_refuses_an_operation_over_the_cost_limit() -> None:
    schema = strawberry.Schema(query=_Query, extensions=[lambda: MaxComplexity(100), ErrorCodes])
    cheap = await schema.execute("{ root { children(first: 5) { __typename } } }")
    assert cheap.errors is None
    costly = await schema.execute("{ root { children(first: 50) { children(first: 50) "
                                  "{ __typename } } } }")
    assert costly.data is None
    assert costly.errors[0].extensions["code"] == "QUERY_TOO_COMPLEX"
    assert costly.errors[0].extensions["limit"] == 100


async def test_subgraph_refuses_deep_queries_even_when_cached() -> None:
    from subgraphs.content.schema import schema as content_schema

    deep = "{ title(id: \"x\") { " + "parent { " * 12 + "id" + " }" * 12 + " } }"
    for _ in range(2):  # the second answer comes from the validation cache
        result = await content_schema.execute(deep)
        assert result.data is None
        assert result.errors and "exceeds maximum operation depth" in result.errors[0].message

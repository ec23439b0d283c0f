"""The subgraph prices `_entities` by the representations the router sends, not a guess."""

from __future__ import annotations

import strawberry
from graphql import parse

from subgraphs.common.costs import ASSUMED_LIST_SIZE, CostedSchema
from subgraphs.common.extensions.complexity import cost_plan


@strawberry.federation.type(keys=["id"])
class Title:
    id: strawberry.ID

    @strawberry.field
    def similar(self, first: int = 10) -> list[Title]:
        return []

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Title:
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field
    def title(self, id: strawberry.ID) -> Title:
        return Title(id=id)


SCHEMA = CostedSchema(query=Query, types=[Title])
# One entity: 1 (_entities) + 1 x (1 for similar + 30 ids).
SIMILAR = ("query($r: [_Any!]!) { _entities(representations: $r) {"
           " ... on Title { similar(first: 30) { id } } } }")


def _cost(query: str, variables: dict | None = None) -> int:
    return cost_plan(SCHEMA._schema, parse(query).definitions).evaluate(variables)


def test_entities_cost_as_many_as_the_representations_passed() -> None:
    one = [{"__typename": "Title", "id": "1"}]
    assert _cost(SIMILAR, {"r": one}) == 1 + (1 + 30)
    assert _cost(SIMILAR, {"r": one * 40}) == 1 + 40 * (1 + 30)


def test_inline_representations_count_too() -> None:
    query = ('{ _entities(representations: [{__typename: "Title", id: "1"},'
             ' {__typename: "Title", id: "2"}]) { ... on Title { id } } }')
    assert _cost(query) == 1 + 2 * 1


def test_representations_not_given_are_priced_at_the_assumed_size() -> None:
    assert _cost(SIMILAR, {}) == 1 + ASSUMED_LIST_SIZE * (1 + 30)

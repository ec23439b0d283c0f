"""A tiny schema of nested lists, for the tests of depth, aliases, cost and the request pipeline."""

from __future__ import annotations

import strawberry

__all__ = ["Node", "Query"]


@strawberry.type
class Node:
    name: str = "nœud"  # not ASCII: responses must carry it unchanged

    @strawberry.field
    def children(self, first: int = 10) -> list[Node]:
        return [Node() for _ in range(first)]


@strawberry.type
class Query:
    @strawberry.field
    def root(self) -> Node:
        return Node()

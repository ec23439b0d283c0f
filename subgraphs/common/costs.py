"""List sizes declared in each subgraph's schema, for the router's demand control and ours.

`CostedSchema` is Strawberry's federation schema that adds `@listSize` to every list the
subgraph returns, unless the field declares its own: a connection or list with a page argument
is sized by that argument (`first: $n` counts as whatever `$n` is), any other list of objects by
an assumed size. The router adds up the same figures over the whole federated operation, where
no subgraph sees more than its own slice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
)
from strawberry.federation.schema_directives import ListSize

__all__ = [
    "ASSUMED_LIST_SIZE",
    "PAGE_ARGUMENTS",
    "CostedSchema",
    "is_connection",
    "page_argument",
]

# Arguments that bound how many items a list field returns.
PAGE_ARGUMENTS = ("first", "last", "limit")
# What a list without a page argument (a title's offers, credits or genres) is taken to hold.
ASSUMED_LIST_SIZE = 10
_BACKREF = "strawberry-definition"


def is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and "edges" in type_.fields


def page_argument(field: GraphQLField) -> str | None:
    return next((name for name in PAGE_ARGUMENTS if name in field.args), None)


def _list_size(field: GraphQLField) -> ListSize | None:
    """The @listSize this field should carry, None when it returns no list."""
    named = get_named_type(field.type)
    connection = is_connection(named)
    if not connection and not isinstance(get_nullable_type(field.type), GraphQLList):
        return None
    argument = page_argument(field)
    if argument is not None:
        if connection:
            return ListSize(slicing_arguments=[argument], sized_fields=["edges"])
        return ListSize(slicing_arguments=[argument])
    if connection or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return None  # a connection sizes its own edges; scalars cost nothing apiece
    return ListSize(assumed_size=ASSUMED_LIST_SIZE)


class CostedSchema(strawberry.federation.Schema):
    """A federation schema whose lists say how long they may be (`@listSize`)."""

    def _collect_schema_directives(
        self, explicit_directive_types: Iterable[type], graphql_types: Iterable[Any]
    ) -> list[type]:
        # Runs once every type is converted and before directives are collected, so what is
        # added here is printed in the SDL and imported by its @link like any other directive.
        graphql_types = list(graphql_types)
        seen: set[str] = set()
        pending = [type_ for type_ in graphql_types if type_ is not None]
        while pending:
            type_ = pending.pop()
            if type_.name in seen or not isinstance(
                type_, GraphQLObjectType | GraphQLInterfaceType
            ):
                continue
            seen.add(type_.name)
            for name, field in type_.fields.items():
                pending.append(get_named_type(field.type))
                definition = field.extensions.get(_BACKREF)
                if definition is None or name.startswith("_"):
                    continue  # federation's own fields (_entities, _service)
                if name == "edges" and is_connection(type_):
                    continue  # sized by the field that returns the connection
                if any(isinstance(d, ListSize) for d in definition.directives):
                    continue
                size = _list_size(field)
                if size is not None:
                    definition.directives = [*definition.directives, size]
        return super()._collect_schema_directives(explicit_directive_types, graphql_types)

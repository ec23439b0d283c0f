"""Refuse operations whose estimated cost is too high before running them.

Each field costs 1; a list field's selection is multiplied by its page size (`first`, or the
default page size when the argument is a variable or absent), so nested connections add up the
way the work they cause does.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

__all__ = ["MaxComplexity", "operation_cost", "too_complex"]

_PAGE_ARGUMENTS = ("first", "last", "limit")
_DEFAULT_MULTIPLIER = 20


def _multiplier(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value in _PAGE_ARGUMENTS:
            value = argument.value
            return int(value.value) if isinstance(value, IntValueNode) else _DEFAULT_MULTIPLIER
    return 1


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = _cost(selection.selection_set, fragments, seen)
            total += 1 + _multiplier(selection) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                total += _cost(fragments[name].selection_set, fragments, seen | {name})
    return total


def operation_cost(definitions: Iterator[object] | list[object]) -> int:
    """The highest cost among the document's operations."""
    definitions = list(definitions)
    fragments = {
        d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
    }
    costs = [
        _cost(d.selection_set, fragments)
        for d in definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    return max(costs, default=0)


def too_complex(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"Query is too complex: cost {cost} exceeds the limit of {limit}.",
        extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "limit": limit},
    )


class MaxComplexity(SchemaExtension):
    """Called on validation: refuses the operation when it costs more than `max_cost`."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        # Decided before validation runs: Strawberry reads the errors as soon as it is done.
        document = self.execution_context.graphql_document
        if document is not None:
            cost = operation_cost(document.definitions)
            if cost > self.max_cost:
                self.execution_context.pre_execution_errors = [
                    *(self.execution_context.pre_execution_errors or ()),
                    too_complex(cost, self.max_cost),
                ]
        yield

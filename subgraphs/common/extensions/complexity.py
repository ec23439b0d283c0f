"""Refuse operations whose estimated cost is too high before running them.

Each field costs 1; a list field's selection is multiplied by how many items it may return: its
page argument (`first`, whether written in the query or passed as a variable; the page default
when absent), its `@listSize`, or, for lists without a page argument, an assumed size. Nested
lists multiply the way the work they cause does.

`cost_plan` turns a document into a plan once (it is remembered per query text); `evaluate`
prices the plan with each request's variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.federation.schema_directives import ListSize

from subgraphs.common.costs import ASSUMED_LIST_SIZE, PAGE_ARGUMENTS, is_connection
from subgraphs.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

__all__ = ["CostPlan", "MaxComplexity", "cost_plan", "operation_cost", "too_complex"]

_DEFAULT_MULTIPLIER = DEFAULT_PAGE_SIZE


def _multiplier(field: FieldNode, variables: Mapping[str, Any] | None = None) -> int:
    for argument in field.arguments or ():
        if argument.name.value in PAGE_ARGUMENTS:
            return _size(argument.value, variables, _DEFAULT_MULTIPLIER)
    return 1


def _size(value: object, variables: Mapping[str, Any] | None, default: int) -> int:
    if isinstance(value, IntValueNode):
        return _bounded(value.value, default)
    if isinstance(value, VariableNode):
        given = (variables or {}).get(value.name.value)
        return default if given is None else _bounded(given, default)
    return default


def _bounded(value: object, default: int) -> int:
    # An out-of-range page size is refused by the resolver, naming the argument: priced as one
    # item here, so that refusal is the one the client sees.
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return number if 1 <= number <= MAX_PAGE_SIZE else 1


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
    variables: Mapping[str, Any] | None = None,
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = _cost(selection.selection_set, fragments, seen, variables)
            total += 1 + _multiplier(selection, variables) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, seen, variables)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                total += _cost(fragments[name].selection_set, fragments, seen | {name}, variables)
    return total


def operation_cost(
    definitions: Iterator[object] | list[object], variables: Mapping[str, Any] | None = None
) -> int:
    """The highest cost among the document's operations, without a schema: only page arguments
    multiply (a variable counts as its value, or the default page size when unknown)."""
    definitions = list(definitions)
    fragments = {
        d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
    }
    costs = [
        _cost(d.selection_set, fragments, variables=variables)
        for d in definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    return max(costs, default=0)


# --- Schema-aware plans -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Factor:
    """How many items a field returns: a constant, or a variable's value (else `default`)."""

    constant: int = 1
    variable: str | None = None
    length: bool = False  # the variable is a list: its length counts (`_entities`)

    def value(self, variables: Mapping[str, Any]) -> int:
        if self.variable is None:
            return self.constant
        given = variables.get(self.variable)
        if self.length:
            return max(1, len(given)) if isinstance(given, list | tuple) else self.constant
        return self.constant if given is None else _bounded(given, self.constant)


@dataclass(frozen=True, slots=True)
class _Node:
    """One field of the plan: its own factor, the factor it hands to a sized child (`edges`)."""

    factor: _Factor
    children: tuple[_Node, ...]
    sized_child: str | None = None
    name: str = ""
    inherited: bool = False  # this is the sized child: its factor comes from the parent


@dataclass(frozen=True)
class CostPlan:
    """A document's cost as a function of its variables."""

    operations: tuple[tuple[_Node, ...], ...]

    def evaluate(self, variables: Mapping[str, Any] | None = None) -> int:
        variables = variables or {}
        return max((_price(nodes, variables, None) for nodes in self.operations), default=0)


def _price(nodes: tuple[_Node, ...], variables: Mapping[str, Any], handed: int | None) -> int:
    total = 0
    for node in nodes:
        factor = handed if node.inherited and handed is not None else node.factor.value(variables)
        if node.sized_child is not None:
            # The connection itself is one object; its edges carry the page size.
            total += 1 + _price(node.children, variables, factor)
        else:
            total += 1 + factor * _price(node.children, variables, None)
    return total


def _list_size(field: GraphQLField) -> ListSize | None:
    definition = field.extensions.get("strawberry-definition")
    for directive in getattr(definition, "directives", ()) or ():
        if isinstance(directive, ListSize):
            return directive
    return None


def _argument_factor(field: GraphQLField, node: FieldNode, name: str) -> _Factor:
    definition = field.args[name]
    default = definition.default_value
    fallback = _bounded(default, DEFAULT_PAGE_SIZE) if isinstance(default, int) else (
        DEFAULT_PAGE_SIZE)
    for argument in node.arguments or ():
        if argument.name.value == name:
            if isinstance(argument.value, VariableNode):
                return _Factor(fallback, argument.value.name.value)
            if isinstance(argument.value, IntValueNode):
                return _Factor(_bounded(argument.value.value, fallback))
            return _Factor(fallback)
    return _Factor(fallback)


def _representations_factor(node: FieldNode) -> _Factor:
    # The router resolves entities in batches: each representation is one entity's work.
    for argument in node.arguments or ():
        if argument.name.value == "representations":
            if isinstance(argument.value, ListValueNode):
                return _Factor(max(1, len(argument.value.values)))
            if isinstance(argument.value, VariableNode):
                return _Factor(ASSUMED_LIST_SIZE, argument.value.name.value, length=True)
    return _Factor(ASSUMED_LIST_SIZE)


def _field_factor(field: GraphQLField, node: FieldNode) -> tuple[_Factor, str | None]:
    """The field's factor, and the child it sizes instead of itself (a connection's edges)."""
    if node.name.value == "_entities" and "representations" in field.args:
        return _representations_factor(node), None
    size = _list_size(field)
    named = get_named_type(field.type)
    if size is not None:
        if size.slicing_arguments:
            factor = _argument_factor(field, node, size.slicing_arguments[0])
            return factor, (size.sized_fields[0] if size.sized_fields else None)
        if size.assumed_size is not None:
            return _Factor(size.assumed_size), None
    argument = next((name for name in PAGE_ARGUMENTS if name in field.args), None)
    connection = is_connection(named)
    if argument is not None:
        return _argument_factor(field, node, argument), ("edges" if connection else None)
    if connection:
        return _Factor(DEFAULT_PAGE_SIZE), "edges"
    if isinstance(get_nullable_type(field.type), GraphQLList):
        return _Factor(ASSUMED_LIST_SIZE), None
    return _Factor(1), None


def _plan(
    schema: GraphQLSchema,
    parent: GraphQLNamedType | None,
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
    sized: str | None = None,
) -> tuple[_Node, ...]:
    if selection_set is None:
        return ()
    nodes: list[_Node] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            field = _field(parent, selection.name.value)
            if field is None:  # __typename, or a field validation refuses anyway
                nodes.append(_Node(_Factor(1), ()))
                continue
            factor, sized_child = _field_factor(field, selection)
            children = _plan(schema, get_named_type(field.type), selection.selection_set,
                             fragments, seen, sized_child)
            nodes.append(_Node(factor, children, sized_child, selection.name.value,
                               inherited=sized is not None and selection.name.value == sized))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = schema.get_type(condition.name.value) if condition else parent
            nodes.extend(_plan(schema, target, selection.selection_set, fragments, seen, sized))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                fragment = fragments[name]
                target = schema.get_type(fragment.type_condition.name.value)
                nodes.extend(_plan(schema, target, fragment.selection_set, fragments,
                                   seen | {name}, sized))
    return tuple(nodes)


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    if isinstance(parent, GraphQLUnionType):
        return next((t.fields[name] for t in parent.types if name in t.fields), None)
    return None


def cost_plan(schema: GraphQLSchema, definitions: Iterator[object] | list[object]) -> CostPlan:
    definitions = list(definitions)
    fragments = {
        d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = []
    for definition in definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            operations.append(_plan(schema, root, definition.selection_set, fragments,
                                    frozenset()))
    return CostPlan(tuple(operations))


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
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            plan = cost_plan(context.schema._schema, document.definitions)
            cost = plan.evaluate(context.variables)
            if cost > self.max_cost:
                context.pre_execution_errors = [
                    *(context.pre_execution_errors or ()),
                    too_complex(cost, self.max_cost),
                ]
        yield

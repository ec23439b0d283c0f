"""The query limits every subgraph enforces (the router enforces its own in front), checked once
per distinct document text and remembered.

One extension does what Strawberry's MaxTokensLimiter, ParserCache, AddValidationRules and
ValidationCache plus our MaxComplexity did as five: each extension costs every request a few
context managers per phase, and the validation cache hashed the whole document tree to look
its answer up. Here the answer (the document, its validation and cost errors) is looked up by
the query text, once per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    StringValueNode,
    parse,
)
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

from subgraphs.common.extensions.complexity import CostPlan, cost_plan, too_complex
from subgraphs.common.text import text_refusal

__all__ = [
    "MAX_ALIASES",
    "MAX_COMPLEXITY",
    "MAX_DEPTH",
    "MAX_TOKENS",
    "QueryLimits",
    "default_limits",
]

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 30
MAX_COMPLEXITY = 5_000
_CACHE_SIZE = 1_000



class StorableStrings(ASTValidationRule):
    """String literals in the document must be text every store can hold (variables are
    checked where the body is decoded)."""

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        found = text_refusal(node.value)
        if found:
            self.report_error(GraphQLError(found, node, extensions={"code": "BAD_USER_INPUT"}))


# Built once: validation results are remembered per document, so the rules must not change.
_RULES = (depth_rule(MAX_DEPTH, should_ignore=None), aliases_rule(MAX_ALIASES), StorableStrings)


class _Checked:
    """One document text, parsed, and (once a request got that far) its refusals per schema."""

    __slots__ = ("document", "errors")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        # Validation depends on the schema and rules: a process may hold several (tests, tools).
        # The cost is a plan: its figure depends on each request's variables (`first: $n`).
        self.errors: dict[tuple[GraphQLSchema, tuple[type[ASTValidationRule], ...]],
                          tuple[tuple[GraphQLError, ...], CostPlan | None]] = {}


@lru_cache(maxsize=_CACHE_SIZE)
def _parsed(query: str) -> _Checked:
    # Raises on syntax errors and on documents over MAX_TOKENS: those are not remembered.
    return _Checked(parse(query, max_tokens=MAX_TOKENS))


def _refusals(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> tuple[tuple[GraphQLError, ...], CostPlan | None]:
    """Validation errors (standard rules, depth, aliases), and the cost plan of a valid one."""
    errors = tuple(validate_document(schema, document, rules))
    return errors, (None if errors else cost_plan(schema, document.definitions))


def _over_cost(plan: CostPlan | None, variables: dict[str, object] | None) -> list[GraphQLError]:
    if plan is None:
        return []
    cost = plan.evaluate(variables if isinstance(variables, dict) else None)
    return [too_complex(cost, MAX_COMPLEXITY)] if cost > MAX_COMPLEXITY else []


class QueryLimits(SchemaExtension):
    """Parses with the token limit and validates with the depth, alias and cost limits,
    each at most once per distinct query text and schema.

    Both happen in the parsing hook: every hook an extension has costs each request a context
    manager built afresh. Setting the validation's outcome early changes nothing Strawberry
    does: it checks the operation type (mutations over GET) after parsing, then skips its own
    validation because the errors are set, and refuses the operation when there are any.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        # The schema's rules (the standard ones) and ours: the same for every request.
        rules = context.validation_rules = (*context.validation_rules, *_RULES)
        if context.graphql_document is None:
            checked = _parsed(context.query or "")
            document = context.graphql_document = checked.document
            found = checked.errors.get((schema, rules))
            if found is None:
                found = checked.errors[schema, rules] = _refusals(schema, document, rules)
        else:
            # A document given already parsed (Strawberry gives none today): checked each time.
            found = _refusals(schema, context.graphql_document, rules)
        errors, plan = found
        # Set even when empty, so Strawberry does not validate again; a fresh list per
        # request, as other extensions may change it.
        context.pre_execution_errors = [*errors, *_over_cost(plan, context.variables)]
        yield


def default_limits() -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets a fresh extension instance (they hold its state)."""
    return [QueryLimits]

"""Give every error an `extensions.code` and hide anything unexpected behind a generic one."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from subgraphs.common.errors import DomainError

__all__ = ["ErrorCodes"]

logger = logging.getLogger("mediagateway.errors")


def _with_code(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        code, message = original.code, original.message
        details = {key: str(value) for key, value in original.details.items()}
    elif original is None:
        # No original error: the document failed to parse or validate.
        details = {k: v for k, v in (error.extensions or {}).items() if k != "code"}
        code, message = (error.extensions or {}).get("code"), error.message
        code = code or (
            "GRAPHQL_PARSE_FAILED" if "Syntax Error" in error.message
            else "GRAPHQL_VALIDATION_FAILED"
        )
    elif isinstance(original, GraphQLError) or type(original).__name__ == "GraphQLError":
        code, message, details = "BAD_USER_INPUT", error.message, {}
    else:
        logger.error("unexpected error", exc_info=original)
        code, message, details = "INTERNAL_SERVER_ERROR", "Unexpected error.", {}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**details, "code": code},
    )


class ErrorCodes(SchemaExtension):
    """Called after each operation: rewrites its errors so none leaks internals."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [_with_code(error) for error in errors]  # type: ignore[union-attr]

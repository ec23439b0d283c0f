"""Give every error an `extensions.code` and hide anything unexpected behind a generic one."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from asyncpg.exceptions import OperatorInterventionError, PostgresConnectionError
from graphql import GraphQLError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from strawberry.extensions import SchemaExtension
from tortoise.exceptions import DBConnectionError

from subgraphs.common.errors import DomainError

__all__ = ["ErrorCodes"]

logger = logging.getLogger("mediagateway.errors")

# Inputs are echoed at most this long: a quoted value in a message, or a detail's value.
MAX_ECHO = 100
_QUOTED = re.compile(r"""("|')((?:(?!\1).){""" + str(MAX_ECHO + 1) + r""",})\1""")
# Variable coercion (wrong type, missing variable, unknown enum value): the caller's mistake.
_COERCION = re.compile(r'^Variable "\$[^"]*" ')


def shorten(message: str) -> str:
    """The message with every quoted input cut to MAX_ECHO characters."""
    short = _QUOTED.sub(lambda m: f"{m[1]}{m[2][:MAX_ECHO]}…{m[1]}", message)
    return short if len(short) <= 4 * MAX_ECHO else f"{short[:4 * MAX_ECHO]}…"


# What a dependency that is away raises (Redis or the database stopped, restarting, or
# unreachable): the same request succeeds once it is back, so the caller is told to retry.
_OUTAGES = (OSError, RedisConnectionError, RedisTimeoutError, DBConnectionError,
            PostgresConnectionError, OperatorInterventionError)


def _is_outage(error: BaseException | None) -> bool:
    """Whether `error`, or what it was raised from, says a dependency is away."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, _OUTAGES):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _detail(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_ECHO else f"{text[:MAX_ECHO]}…"


def _with_code(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        code, message = original.code, original.message
        details = {key: _detail(value) for key, value in original.details.items()}
    elif original is None:
        # No original error: the document failed to parse or validate.
        details = {k: v for k, v in (error.extensions or {}).items() if k != "code"}
        code, message = (error.extensions or {}).get("code"), error.message
        code = code or (
            "GRAPHQL_PARSE_FAILED" if "Syntax Error" in error.message
            else "BAD_USER_INPUT" if _COERCION.match(error.message)
            else "GRAPHQL_VALIDATION_FAILED"
        )
    elif (isinstance(original, GraphQLError) or type(original).__name__ == "GraphQLError"
          or _COERCION.match(error.message)):
        code, message, details = "BAD_USER_INPUT", error.message, {}
    elif _is_outage(original):
        logger.warning("a dependency is unavailable: %s: %s", type(original).__name__, original)
        part = ".".join(str(key) for key in error.path or ()) or "This operation"
        code = "SERVICE_UNAVAILABLE"
        message = f"{part} is unavailable right now; retry shortly."
        details = {"retryable": True}
    else:
        logger.error("unexpected error", exc_info=original)
        code, message, details = "INTERNAL_SERVER_ERROR", "Unexpected error.", {}
    return GraphQLError(
        shorten(message),
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

"""Schema extensions every subgraph installs: tracing, metrics, query limits and error codes."""

from collections.abc import Callable

from strawberry.extensions import SchemaExtension

from subgraphs.common.extensions.complexity import MaxComplexity
from subgraphs.common.extensions.error_codes import ErrorCodes
from subgraphs.common.extensions.limits import default_limits
from subgraphs.common.extensions.metrics import RequestMetrics
from subgraphs.common.extensions.tracing import OperationSpan

__all__ = ["ErrorCodes", "MaxComplexity", "OperationSpan", "RequestMetrics", "default_limits",
           "standard_extensions"]


def standard_extensions() -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """In this order: the operation's span and metrics first, so that leaving last they see
    errors with their codes (hooks leave in reverse), then the limits, then the codes."""
    return [OperationSpan, RequestMetrics, *default_limits(), ErrorCodes]

"""A span per GraphQL operation, under the request's server span (`subgraphs.common.tracing`).

One span an operation, not one a resolver: Strawberry's own OpenTelemetryExtension wraps every
field, which costs more than the operation itself on a list of titles.
"""

from __future__ import annotations

from collections.abc import Iterator

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode
from strawberry.extensions import SchemaExtension

from subgraphs.common import tracing
from subgraphs.common.extensions.metrics import operation_label

__all__ = ["OperationSpan"]


class OperationSpan(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        # Only inside a traced HTTP request: a websocket's subscriptions live for hours and
        # would make one span as long as the connection.
        if not tracing.enabled() or not trace.get_current_span().is_recording():
            yield
            return
        with tracing.tracer().start_as_current_span("graphql.operation") as span:
            yield
            context = self.execution_context
            label = operation_label(context)  # `query:titles`: bounded, unlike client names
            span.update_name(f"graphql {label}")
            span.set_attribute("graphql.operation.type", label.split(":", 1)[0])
            if context.operation_name:
                span.set_attribute("graphql.operation.name", context.operation_name)
            errors = getattr(context.result, "errors", None) or ()
            if errors:
                codes = sorted({str((e.extensions or {}).get("code", "UNKNOWN")) for e in errors})
                span.set_attribute("graphql.error.codes", codes)
                span.set_status(Status(StatusCode.ERROR, codes[0]))

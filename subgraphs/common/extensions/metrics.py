"""Times every operation and counts its errors by code (`subgraphs.common.metrics`).

Listed before `ErrorCodes` in a schema's extensions: hooks leave in reverse order, so the
errors counted here already carry their codes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionContext

from subgraphs.common.metrics import ERRORS, REQUEST_DURATION

__all__ = ["RequestMetrics", "operation_label"]


def operation_label(context: ExecutionContext) -> str:
    """`<type>:<first root field>`, e.g. `query:titles` or `query:_entities`: bounded by the
    schema, unlike operation names, which clients choose."""
    document = context.graphql_document
    if document is None:
        return "invalid"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((o for o in operations if context.operation_name is None
                   or (o.name is not None and o.name.value == context.operation_name)), None)
    if chosen is None:
        return "invalid"
    field = next((s for s in chosen.selection_set.selections if isinstance(s, FieldNode)), None)
    if field is None:
        return f"{chosen.operation.value}:fragment"
    # Only the schema's own fields: a client's made-up field must not become a new series.
    root = context.schema._schema.get_root_type(chosen.operation)  # type: ignore[attr-defined]
    if root is None or (field.name.value not in root.fields
                        and not field.name.value.startswith("__")):
        return "invalid"
    return f"{chosen.operation.value}:{field.name.value}"


def _subgraph(context: ExecutionContext) -> str:
    request = getattr(context.context, "request", None)
    app = getattr(request, "app", None)
    return str(getattr(getattr(app, "state", None), "subgraph", "unknown"))


class RequestMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        subgraph = _subgraph(context)
        label = operation_label(context)
        if not label.startswith("subscription:"):  # a subscription's life is not a latency
            REQUEST_DURATION.labels(subgraph, label).observe(time.perf_counter() - started)
        for error in getattr(context.result, "errors", None) or ():
            ERRORS.labels(subgraph, (error.extensions or {}).get("code", "UNKNOWN")).inc()

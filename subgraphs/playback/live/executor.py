"""The executor the playback schema runs with: subscriptions do not grow with every event.

graphql-core 3.3 memoizes sub-selections (and stream usages) on the subscription's executor;
the copy it makes for each event shares those memos, and their keys are field lists built again
for every event. Each delivered message therefore added entries kept for the socket's lifetime:
a leak per socket that, with 1,000 sockets, made the heap grow and full garbage collections
pause the process for 0.3-0.5 s. Each event now gets memos of its own.
"""

from __future__ import annotations

from typing import Any

from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

__all__ = ["EventScopedExecutor"]


class EventScopedExecutor(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> EventScopedExecutor:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        executor._stream_usages = RefMap()
        return executor  # type: ignore[return-value]

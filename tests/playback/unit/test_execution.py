"""Subscriptions run each event with its own memo of sub-selections, so sockets do not grow."""

from __future__ import annotations

from graphql import parse

from subgraphs.playback.live.executor import EventScopedExecutor
from subgraphs.playback.schema import schema


def test_each_event_gets_its_own_memo() -> None:
    document = parse("subscription { syncUpdates { catchUp events { kind } } }")
    executor = EventScopedExecutor.build(schema._schema, document)
    assert isinstance(executor, EventScopedExecutor)
    first = executor.build_per_event_executor({})
    second = executor.build_per_event_executor({})
    assert first._relevant_sub_fields is not executor._relevant_sub_fields
    assert first._relevant_sub_fields is not second._relevant_sub_fields
    assert first._stream_usages is not executor._stream_usages
    assert schema.execution_context_class is EventScopedExecutor

"""Trace context across Redis events: an event staged in the outbox inside one trace is handled
by its consumer in that same trace, under the span that staged it (subgraphs.common.tracing)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from redis.asyncio import Redis
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from subgraphs.common import logs, tracing
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.outbox import OutboxRelay, stage

STREAM = "thing.traced"
pytestmark = pytest.mark.unchecked_events  # a made-up stream: the mechanics, not a contract


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with tracing.use_provider(provider):
        yield exporter


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[None]:
    await Tortoise.init(db_url=database_url, modules={"models": ["subgraphs.common.outbox"]})
    await Tortoise.generate_schemas()
    yield
    await Tortoise.close_connections()


async def _consume(bus: RedisEventBus, count: int) -> list[Event]:
    """Handle `count` events of STREAM, then stop."""
    seen: list[Event] = []
    stop = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        seen.extend(events)
        tracing.tracer().start_span("handler work").end()  # what the handler does, traced
        if len(seen) >= count:
            stop.set()

    await asyncio.wait_for(bus.consume(STREAM, "tests", handler, stop), timeout=20)
    return seen


def _one(spans: InMemorySpanExporter, name: str) -> ReadableSpan:
    (span,) = [s for s in spans.get_finished_spans() if s.name == name]
    return span


async def test_an_event_staged_in_a_trace_is_consumed_in_that_trace(
    database: None, redis_url: str, spans: InMemorySpanExporter
) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=50)
    with tracing.tracer().start_as_current_span("request"):
        async with in_transaction() as connection:
            await stage([Event(type=STREAM, payload={"n": 1})], connection)
    # Published later, outside any span (the relay's round): the row kept the trace.
    await OutboxRelay(bus).flush()
    (event,) = await _consume(bus, 1)
    await redis.aclose()

    request, consumer = _one(spans, "request"), _one(spans, f"process {STREAM}")
    assert event.traceparent is not None
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.context.trace_id == request.context.trace_id
    assert consumer.parent is not None and consumer.parent.span_id == request.context.span_id
    work = _one(spans, "handler work")
    assert work.parent is not None and work.parent.span_id == consumer.context.span_id


async def test_a_batch_from_several_traces_links_each(
    redis_url: str, spans: InMemorySpanExporter
) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=50)
    producers = []
    for n in range(2):
        with tracing.tracer().start_as_current_span(f"request {n}") as span:
            await bus.publish(Event(type=STREAM, payload={"n": n}))  # context taken at publish
            producers.append(span.get_span_context())
    await _consume(bus, 2)
    await redis.aclose()

    consumer = _one(spans, f"process {STREAM}")
    assert consumer.parent is None  # its own trace ...
    assert {link.context.span_id for link in consumer.links} == {  # ... linked to both
        p.span_id for p in producers}


async def test_without_tracing_events_carry_no_trace_context(redis_url: str) -> None:
    assert not tracing.enabled()
    redis = Redis.from_url(redis_url)
    await RedisEventBus(redis).publish(Event(type=STREAM, payload={}))
    ((_, fields),) = await redis.xrange(STREAM)
    await redis.aclose()
    assert b"traceparent" not in fields


def test_log_lines_carry_the_trace_and_span_ids(spans: InMemorySpanExporter) -> None:
    record = logging.LogRecord("mediagateway.x", logging.INFO, __file__, 1, "hi", None, None)
    logs.RequestContext("content").filter(record)
    assert (record.trace_id, record.span_id) == ("-", "-")
    with tracing.tracer().start_as_current_span("request") as span:
        logs.RequestContext("content").filter(record)
    assert record.trace_id == format(span.get_span_context().trace_id, "032x")
    assert record.span_id == format(span.get_span_context().span_id, "016x")


@pytest.mark.parametrize(("env", "wanted"), [
    ({}, False),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
    ({"MG_TRACING": "on"}, True),
    ({"MG_TRACING": "on", "OTEL_SDK_DISABLED": "true"}, False),
])
def test_tracing_is_off_unless_an_exporter_endpoint_or_the_flag_asks(
    env: dict[str, str], wanted: bool
) -> None:
    assert tracing.tracing_wanted(env) is wanted

"""OpenTelemetry traces: a server span per HTTP request, joined to the router's trace by the
W3C `traceparent` header, and the trace context carried across Redis events.

Off unless asked for, so tests and local runs pay nothing: `OTEL_EXPORTER_OTLP_ENDPOINT` (or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, or `MG_TRACING=on`; `OTEL_SDK_DISABLED=true` wins.
Everything else is the SDK's standard `OTEL_*` variables (exporter headers, timeouts, service
name). Sampling is parent-based, so a subgraph follows the router's decision, with the ratio
`OTEL_TRACES_SAMPLER_ARG` (default 1.0) for traces that start here; an explicit
`OTEL_TRACES_SAMPLER` is left to the SDK.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import Link, SpanKind, Tracer, TracerProvider
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["TracingMiddleware", "configure_tracing", "consuming", "current_traceparent",
           "enabled", "extract", "tracer", "tracing_wanted", "use_provider"]

_NAME = "mediagateway"
# Not worth a span: probes and scrapes come every few seconds.
_UNTRACED_PATHS = frozenset({"/health", "/metrics"})
_TRUE = frozenset({"1", "on", "true", "yes"})
_MAX_LINKS = 32  # a batch of 500 events from 500 requests links the first few, not all

_configured = False
_override: TracerProvider | None = None  # tests: an in-memory provider, never the global one


def tracing_wanted(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").lower() in _TRUE:
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
                or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                or env.get("MG_TRACING", "").lower() in _TRUE)


def configure_tracing(service: str, env: Mapping[str, str] | None = None) -> bool:
    """Install the SDK's tracer provider with an OTLP/HTTP exporter, once per process (tests
    build many apps in one); True when tracing is on."""
    global _configured
    if _configured:
        return True
    env = os.environ if env is None else env
    if not tracing_wanted(env):
        return False
    # Imported only when on: the SDK and exporter cost start-up time nobody else should pay.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    # The SDK alone ignores OTEL_TRACES_SAMPLER_ARG unless OTEL_TRACES_SAMPLER names a sampler.
    sampler = None if env.get("OTEL_TRACES_SAMPLER") else ParentBased(
        TraceIdRatioBased(float(env.get("OTEL_TRACES_SAMPLER_ARG") or 1.0)))
    provider = SdkTracerProvider(
        resource=Resource.create({SERVICE_NAME: env.get("OTEL_SERVICE_NAME") or service}),
        sampler=sampler)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True
    return True


def enabled() -> bool:
    return _configured or _override is not None


def tracer() -> Tracer:
    provider = _override if _override is not None else trace.get_tracer_provider()
    return provider.get_tracer(_NAME)


@contextmanager
def use_provider(provider: TracerProvider) -> Iterator[None]:
    """Tests: spans go to `provider` (e.g. with an in-memory exporter) for a while, leaving the
    process's global provider alone."""
    global _override
    previous, _override = _override, provider
    try:
        yield
    finally:
        _override = previous


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the current span, to travel with an event; None outside one."""
    if not enabled():
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def extract(traceparent: str | None) -> otel_context.Context | None:
    """The context a `traceparent` names, to parent a consumer's span; None without one."""
    if not traceparent:
        return None
    return propagate.extract({"traceparent": traceparent})


class Traced(Protocol):
    @property
    def traceparent(self) -> str | None: ...


@contextmanager
def consuming(stream: str, group: str, events: Sequence[Traced]) -> Iterator[None]:
    """The span of a consumer handling a batch of `stream`'s events. A batch produced under one
    span (a batch of one, or one write's events) continues that trace as the span's child; a
    batch from several starts its own trace linking theirs (OpenTelemetry's messaging
    conventions). Events without trace context add nothing."""
    if not enabled():
        yield
        return
    parents = sorted({e.traceparent for e in events if e.traceparent})
    contexts = [c for c in (extract(p) for p in parents[:_MAX_LINKS]) if c is not None]
    parent = contexts[0] if len(parents) == 1 and contexts else otel_context.Context()
    links = [] if len(parents) == 1 else [
        Link(trace.get_current_span(c).get_span_context()) for c in contexts]
    attributes = {"messaging.system": "redis", "messaging.destination.name": stream,
                  "messaging.consumer.group.name": group,
                  "messaging.batch.message_count": len(events)}
    with tracer().start_as_current_span(f"process {stream}", context=parent,
                                        kind=SpanKind.CONSUMER, links=links,
                                        attributes=attributes):
        yield


class TracingMiddleware:
    """The ASGI instrumentation's server span for HTTP requests only: a websocket lives for
    hours (its messages are not requests) and probes are noise. The per-message `send` and
    `receive` spans are left out: they double the spans of every request for nothing."""

    def __init__(self, app: ASGIApp) -> None:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        self.app = app
        self.traced = OpenTelemetryMiddleware(app, tracer=tracer(),
                                              exclude_spans=["receive", "send"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in _UNTRACED_PATHS:
            await self.app(scope, receive, send)
            return
        await self.traced(scope, receive, send)

"""Logging, configured once per process: readable lines locally, JSON lines in containers
(`MG_LOG_FORMAT=json`), each with the request id the router gave the request (`x-request-id`,
which Hive Gateway sets and forwards to every subgraph it calls) and, when tracing is on, the
trace and span ids of the span it was written in (`-` outside one).
"""

from __future__ import annotations

import contextvars
import logging
import sys

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Receive, Scope, Send

from subgraphs.common.settings import LogSettings

__all__ = ["JSON_FIELDS", "JSON_RENAMES", "REQUEST_ID", "JsonFormatter", "LogSettings",
           "RequestContext", "RequestIdMiddleware", "configure_logging"]

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_MAX_ID = 128  # a client-sent id longer than this is not an id
_configured = False
JSON_FIELDS = ("%(asctime)s %(levelname)s %(name)s %(subgraph)s %(request_id)s %(trace_id)s "
               "%(span_id)s %(message)s")
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}


class RequestContext(logging.Filter):
    def __init__(self, subgraph: str) -> None:
        super().__init__()
        self.subgraph = subgraph

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.subgraph = self.subgraph
        # The ids a trace backend shows, so a log line leads to its trace and back.
        span = trace.get_current_span().get_span_context()
        record.trace_id = format(span.trace_id, "032x") if span.is_valid else "-"
        record.span_id = format(span.span_id, "016x") if span.is_valid else "-"
        return True


def configure_logging(subgraph: str, settings: LogSettings) -> None:
    """Our loggers (`mediagateway.*`) to stderr at `settings.level`; the first call wins (tests
    build many apps in one process)."""
    global _configured
    if _configured:
        return
    _configured = True
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContext(subgraph))
    if settings.json_lines:
        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields=JSON_RENAMES))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)-7s %(subgraph)s %(name)s [%(request_id)s] %(message)s"))
    ours = logging.getLogger("mediagateway")
    ours.setLevel(settings.level)
    ours.addHandler(handler)
    ours.propagate = True  # pytest's capture, when present, still sees them


class RequestIdMiddleware:
    """Puts the request's `x-request-id` where every log line of the request finds it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        value = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        token = REQUEST_ID.set(value[:_MAX_ID].decode("latin-1") or "-")
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST_ID.reset(token)

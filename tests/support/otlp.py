"""A small OTLP/HTTP trace receiver for tests: what services export to `/v1/traces`, kept in
memory. Takes protobuf (the Python SDK's exporter) and JSON (the router's)."""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

__all__ = ["ReceivedSpan", "TraceReceiver", "trace_receiver"]


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: str  # SPAN_KIND_SERVER, SPAN_KIND_CLIENT, ...
    trace_id: str  # hex
    span_id: str
    parent_span_id: str  # "" for a root


def _hex(value: str, size: int) -> str:
    """OTLP/JSON sends ids as hex; protobuf rendered by MessageToDict as base64."""
    if len(value) == size * 2:
        try:
            int(value, 16)
            return value.lower()
        except ValueError:
            pass
    return base64.b64decode(value).hex() if value else ""


def _spans(request: dict[str, Any]) -> Iterator[ReceivedSpan]:
    for resource_spans in request.get("resourceSpans", []):
        attributes = resource_spans.get("resource", {}).get("attributes", [])
        service = next((a["value"].get("stringValue", "") for a in attributes
                        if a["key"] == "service.name"), "")
        for scope in resource_spans.get("scopeSpans", []):
            for span in scope.get("spans", []):
                kind = span.get("kind", "SPAN_KIND_INTERNAL")
                if isinstance(kind, int):  # OTLP/JSON: the enum's number
                    kind = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"][kind]
                yield ReceivedSpan(service, span["name"], kind, _hex(span["traceId"], 16),
                                   _hex(span["spanId"], 8),
                                   _hex(span.get("parentSpanId", ""), 8))


class TraceReceiver:
    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _body(self) -> bytes:
                if self.headers.get("transfer-encoding", "").lower() == "chunked":  # the router
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    body = b"".join(chunks)
                else:
                    body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                return body

            def do_POST(self) -> None:
                body = self._body()
                if "json" in (self.headers.get("content-type") or ""):
                    request = json.loads(body or b"{}")
                    answer, media = b"{}", "application/json"
                else:
                    request = MessageToDict(ExportTraceServiceRequest.FromString(body))
                    answer = ExportTraceServiceResponse().SerializeToString()
                    media = "application/x-protobuf"
                with receiver._lock:
                    receiver.spans.extend(_spans(request))
                self.send_response(200)
                self.send_header("content-type", media)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: Any) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def endpoint(self) -> str:
        """For OTEL_EXPORTER_OTLP_ENDPOINT: exporters add `/v1/traces`."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, done: Callable[[list[ReceivedSpan]], bool],
                 timeout: float = 20) -> list[ReceivedSpan]:
        """The spans received once `done(spans)` holds (exporters send in batches)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                spans = list(self.spans)
            if done(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.1)


@contextmanager
def trace_receiver() -> Iterator[TraceReceiver]:
    receiver = TraceReceiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()

"""What each subgraph process tells Prometheus, at `/metrics` (prometheus-client's default
registry: one subgraph per process in production).

Series (every one labelled with its `subgraph`):
- `mg_request_duration_seconds{operation}`: each GraphQL operation, by type and first root
  field (`query:titles`); client-chosen operation names would make the label unbounded.
- `mg_errors_total{code}`: errors answered, by their `extensions.code`.
- `mg_subscriptions_active`: subscriptions open now.
- `mg_event_consumer_lag{stream,group}`: entries of a stream its consumer group has not read.
- `mg_events_handled_total{stream,outcome}`: events handled, retried or dead-lettered.
- `mg_timing_seconds{step}`: named inner steps (search, recommendation scoring, embedding).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "CONSUMER_LAG",
    "ERRORS",
    "EVENTS_HANDLED",
    "REQUEST_DURATION",
    "SUBSCRIPTIONS",
    "TIMINGS",
    "timed",
]

# Our latency targets sit between 10 ms and 1 s: buckets are dense there.
_BUCKETS = (0.0025, 0.005, 0.01, 0.015, 0.025, 0.04, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0,
            2.5, 5.0, 10.0)

REQUEST_DURATION = Histogram(
    "mg_request_duration_seconds", "GraphQL operations served, by type and first root field.",
    ["subgraph", "operation"], buckets=_BUCKETS)
ERRORS = Counter("mg_errors", "Errors answered, by extensions.code.", ["subgraph", "code"])
SUBSCRIPTIONS = Gauge("mg_subscriptions_active", "Subscriptions open now.", ["subgraph"])
CONSUMER_LAG = Gauge("mg_event_consumer_lag",
                     "Stream entries the consumer group has not read yet.",
                     ["subgraph", "stream", "group"])
EVENTS_HANDLED = Counter("mg_events_handled", "Events handled by a consumer, by outcome.",
                         ["subgraph", "stream", "outcome"])
TIMINGS = Histogram("mg_timing_seconds", "Named inner steps of serving a request.",
                    ["subgraph", "step"], buckets=_BUCKETS)


@contextlib.contextmanager
def timed(subgraph: str, step: str) -> Iterator[None]:
    """Times the block into `mg_timing_seconds{step}`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        TIMINGS.labels(subgraph, step).observe(time.perf_counter() - started)

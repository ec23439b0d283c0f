"""One trace per request across the router and the subgraphs it calls: a stack of its own, with
tracing on and every service exporting OTLP/HTTP to a receiver in this test."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mediagateway.registry import SUBGRAPHS
from mediagateway.stack import Stack, running_stack
from tests.support.databases import drop_databases
from tests.support.otlp import ReceivedSpan, TraceReceiver, trace_receiver

# Two root fields owned by two subgraphs: the router calls content for `genres` and users or
# recommendations (both resolve `me`; the planner picks) for `me`, and an unseeded stack
# answers it (no demo data to load, so the stack starts sooner): no genres, and `me` refused
# to an anonymous caller by the subgraph itself.
QUERY = "query Both { genres { name } me { id } }"


@pytest.fixture(scope="module")
def traced_stack(tmp_path_factory: pytest.TempPathFactory,
                 redis_server: str) -> Iterator[tuple[Stack, TraceReceiver]]:
    with trace_receiver() as receiver:
        env = dict(os.environ)
        env.pop("MG_DATA_DIR", None)
        env.update({
            "REDIS_URL": f"{redis_server}/2",  # 0: tests, 1: the shared end-to-end stack
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",  # ms: export at once rather than every 5 s
        })
        shared = env.get("DATABASE_URL", "")
        if shared.startswith("postgres"):
            env["DATABASE_URL"] = shared.rsplit("/", 1)[0] + f"/trace_{uuid.uuid4().hex[:8]}"
        stack = Stack.on_free_ports(Path(tmp_path_factory.mktemp("traced")), env=env, seed=False)
        try:
            with running_stack(stack):
                yield stack, receiver
        finally:
            if shared.startswith("postgres"):
                asyncio.run(drop_databases(env["DATABASE_URL"], list(SUBGRAPHS)))


def _trace_of(spans: list[ReceivedSpan]) -> str | None:
    """The trace of the one GraphQL request this test sends (the router's server span)."""
    return next((s.trace_id for s in spans if s.service == "router"
                 and s.kind == "SPAN_KIND_SERVER" and s.name == "POST /graphql"), None)


def test_one_trace_spans_the_router_and_both_subgraphs(
    traced_stack: tuple[Stack, TraceReceiver],
) -> None:
    stack, receiver = traced_stack
    answer = httpx.post(stack.router_url, json={"query": QUERY, "operationName": "Both"},
                        timeout=30).json()
    assert answer["data"] == {"genres": [], "me": None}, answer
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"], answer

    def complete(spans: list[ReceivedSpan]) -> bool:
        trace = _trace_of(spans)
        operations = [s for s in spans if s.trace_id == trace and s.name.startswith("graphql ")]
        return trace is not None and len(operations) >= 2

    spans = receiver.wait_for(complete)
    trace = _trace_of(spans)
    assert trace is not None, spans
    ours = [s for s in spans if s.trace_id == trace]
    by_id = {s.span_id: s for s in ours}
    subgraphs = {s.service for s in ours} - {"router"}
    assert "router" in {s.service for s in ours} and len(subgraphs) == 2, ours
    assert "content" in subgraphs and subgraphs & {"users", "recommendations"}, subgraphs

    # Exactly one root, the router's HTTP request span; every other span has its parent here.
    roots = [s for s in ours if not s.parent_span_id]
    assert [(r.service, r.kind) for r in roots] == [("router", "SPAN_KIND_SERVER")], roots
    assert all(s.parent_span_id in by_id for s in ours if s.parent_span_id), ours
    for subgraph in subgraphs:
        (server,) = [s for s in ours if s.service == subgraph and s.kind == "SPAN_KIND_SERVER"]
        # The subgraph's request span is a child of the router's call to it ...
        assert by_id[server.parent_span_id].service == "router", server
        # ... and its GraphQL operation span a child of that request span.
        (operation,) = [s for s in ours if s.service == subgraph and s.name.startswith("graphql ")]
        assert operation.parent_span_id == server.span_id, operation
    assert {s.name for s in ours if s.name.startswith("graphql ")} >= {
        "graphql query:genres", "graphql query:me"}

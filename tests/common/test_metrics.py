"""A subgraph's /metrics: operations timed by type and root field, errors counted by code,
consumer lag per stream; log lines carry the router's request id."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from subgraphs.common import logs
from subgraphs.common.logs import REQUEST_ID, RequestIdMiddleware
from tests.support.inprocess import SubgraphClient, run_subgraph


def _samples(client: SubgraphClient) -> dict[tuple[str, frozenset], float]:
    response = client.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples}


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def users(database_url: str, redis_url: str):  # type: ignore[no-untyped-def]
    with run_subgraph("users", database_url, redis_url) as client:
        yield client


def test_operations_and_their_errors_are_counted(users: SubgraphClient) -> None:
    before = _samples(users)
    me = {"subgraph": "users", "operation": "query:me"}
    assert users.execute("{ me { id } }")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert users.execute("query Named { me { id } }")["errors"]
    users.execute("{ nope }")  # not a field of the schema: no series of its own
    after = _samples(users)
    # The operation's label is its root field, not the name the client gave it.
    assert _value(after, "mg_request_duration_seconds_count", **me) - _value(
        before, "mg_request_duration_seconds_count", **me) == 2
    assert _value(after, "mg_errors_total", subgraph="users", code="UNAUTHENTICATED") - _value(
        before, "mg_errors_total", subgraph="users", code="UNAUTHENTICATED") == 2
    assert _value(after, "mg_request_duration_seconds_count", subgraph="users",
                  operation="invalid") >= 1
    assert _value(after, "mg_errors_total", subgraph="users",
                  code="GRAPHQL_VALIDATION_FAILED") >= 1
    assert not any(("operation", op) in labels for _, labels in after
                   for op in ("query:Named", "query:nope"))


def test_consumers_report_their_lag(users: SubgraphClient) -> None:
    # The users subgraph consumes its streams from start-up: each group reports within ~5 s.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lag = {dict(labels)["stream"] for name, labels in _samples(users)
               if name == "mg_event_consumer_lag"}
        if "sync.watchlist_changed" in lag:
            return
        time.sleep(0.5)
    raise AssertionError(f"no consumer lag for users' sync stream; saw {lag}")


def test_log_lines_carry_the_request_id() -> None:
    seen: list[str] = []

    async def page(_: Request) -> PlainTextResponse:
        seen.append(REQUEST_ID.get())
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/", page)], middleware=[Middleware(RequestIdMiddleware)])
    with TestClient(app) as http:
        http.get("/", headers={"x-request-id": "req-123"})
        http.get("/")
        http.get("/", headers={"x-request-id": "x" * 1000})
    assert seen == ["req-123", "-", "x" * 128]  # none when absent, a bounded one when long
    assert REQUEST_ID.get() == "-"  # and nothing left behind after the request


def test_log_lines_are_json_in_containers() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter(logs.JSON_FIELDS, rename_fields=logs.JSON_RENAMES))
    handler.addFilter(logs.RequestContext("users"))
    logger = logging.getLogger("mediagateway.test-json")
    logger.addHandler(handler)
    token = REQUEST_ID.set("req-9")
    try:
        logger.warning("hello %s", "there")
    finally:
        REQUEST_ID.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert {k: line[k] for k in ("level", "logger", "subgraph", "request_id", "message")} == {
        "level": "WARNING", "logger": "mediagateway.test-json", "subgraph": "users",
        "request_id": "req-9", "message": "hello there"}
    assert "time" in line

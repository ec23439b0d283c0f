"""Faults through the real router: a subgraph that accepts connections and never answers."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

import httpx

from mediagateway.stack import Stack

# Titles from content, their similar titles from recommendations.
QUERY = "{ titles(first: 2) { totalCount edges { node { id similar(first: 2) { id } } } } }"
# Well over the router's upstream timeout (ROUTER_UPSTREAM_TIMEOUT_MS, 5 s by default): an
# answer must come before it, whatever the paused subgraph does.
CLIENT_TIMEOUT = 30


@contextlib.contextmanager
def _paused(stack: Stack, name: str) -> Iterator[None]:
    process = next(process for label, process in stack.processes if label == name)
    process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        process.send_signal(signal.SIGCONT)


def _post(stack: Stack) -> dict:
    response = httpx.post(stack.router_url, json={"query": QUERY}, timeout=CLIENT_TIMEOUT)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def test_a_paused_subgraph_leaves_out_its_part_and_says_so(stack: Stack) -> None:
    with _paused(stack, "recommendations"):
        result = _post(stack)
    # What content answered is there; what recommendations owed is named, retryable.
    assert result["data"]["titles"]["totalCount"] > 0
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "GATEWAY_TIMEOUT"
    assert error["extensions"]["retryable"] is True
    assert error["extensions"]["missing"] == ["Title.similar"]
    assert "Title.similar" in error["message"]
    assert "recommendations" not in str(error) and "127.0.0.1" not in str(error)
    # Recovers without a restart.
    recovered = _post(stack)
    assert "errors" not in recovered, recovered
    assert all(edge["node"]["similar"] is not None
               for edge in recovered["data"]["titles"]["edges"])

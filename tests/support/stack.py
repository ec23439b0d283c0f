"""One real system for the end-to-end and MCP tests: router, four subgraphs, seeded demo data.

Registered once, in tests/conftest.py: both suites share one stack a session (two would share
Redis database 1, and start twice)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediagateway.registry import SUBGRAPHS
from mediagateway.stack import Stack, running_stack
from tests.support.databases import drop_databases

DEMO_PASSWORD = "mediagateway-demo"


class Router:
    """A GraphQL client of the router over real HTTP."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=30)
        # Sign-ins are limited to 10 a minute per address: one token per account a session
        # (they live an hour) keeps the suite under it.
        self._tokens: dict[str, str] = {}

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=headers
        )
        return response.json()

    def login(self, email: str, password: str = DEMO_PASSWORD) -> str:
        if email in self._tokens:
            return self._tokens[email]
        query = (
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
        )
        # Other tests spend the same address's sign-ins (the limit tests on purpose): wait as
        # told, as a real client would, at most one window.
        deadline = time.monotonic() + 75
        while True:
            result = self.execute(query, {"e": email, "p": password})
            wait = _retry_after(result)
            if wait is None or time.monotonic() + wait > deadline:
                break
            time.sleep(wait + 0.2)
        assert "errors" not in result, result
        self._tokens[email] = result["data"]["login"]["accessToken"]
        return self._tokens[email]


def _retry_after(result: dict[str, Any]) -> float | None:
    """Seconds to wait when the answer says to try again (RATE_LIMITED, or a retryable outage
    such as the first sign-in after Redis came back), else None."""
    for error in result.get("errors") or []:
        extensions = error.get("extensions") or {}
        if extensions.get("code") == "RATE_LIMITED" or extensions.get("retryable") is True:
            return float(extensions.get("retry_after", 1))
    return None


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, redis_server: str) -> Iterator[Stack]:
    env = dict(os.environ)
    env["REDIS_URL"] = f"{redis_server}/1"
    env.pop("MG_DATA_DIR", None)  # the stack keeps its files in its own folder
    shared = env.get("DATABASE_URL", "")
    if shared.startswith("postgres"):
        env["DATABASE_URL"] = shared.rsplit("/", 1)[0] + f"/e2e_{uuid.uuid4().hex[:8]}"
    stack = Stack.on_free_ports(
        Path(tmp_path_factory.mktemp("stack")),
        env=env,
    )
    with running_stack(stack):
        yield stack
    if shared.startswith("postgres"):
        asyncio.run(drop_databases(env["DATABASE_URL"], list(SUBGRAPHS)))


@pytest.fixture(scope="session")
def router(stack: Stack) -> Router:
    return Router(stack.router_url)

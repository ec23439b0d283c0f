"""The MCP server against one real stack (router + four subgraphs), driven by the SDK's client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx2
import jsonschema
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult

from mediagateway.redis_server import free_port
from mediagateway.stack import ROOT, Stack
from tests.support.stack import Router

__all__ = ["Router"]

TOY_STORY = "toy story"


def server_env(stack: Stack, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MG_MCP_")}
    return {**env, "MG_MCP_ROUTER_URL": stack.router_url, **extra}


def stdio_server(stack: Stack, **extra: str) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "mcp_server"],
                                 env=server_env(stack, **extra), cwd=str(ROOT))


@asynccontextmanager
async def http_client(url: str, token: str | None = None) -> AsyncIterator[Client]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=300))
    # No client-side cache: what is cached is the server's business here.
    async with http, Client(streamable_http_client(url, http_client=http), cache=None) as client:
        yield client


def structured(result: CallToolResult, schema: dict[str, Any] | None) -> dict[str, Any]:
    """The call succeeded and its structured output matches the tool's published schema."""
    assert not result.is_error, result.content
    assert result.structured_content is not None and schema is not None
    jsonschema.validate(result.structured_content, schema)
    return result.structured_content


def error_of(result: CallToolResult) -> dict[str, Any]:
    assert result.is_error, result.structured_content
    assert result.structured_content is not None, result.content
    return result.structured_content["error"]


@pytest.fixture(scope="session")
def mcp_http(stack: Stack) -> Iterator[str]:
    """`python -m mcp_server --transport http` in its own process; yields its MCP URL."""
    with http_server(stack) as url:
        yield url


@contextmanager
def http_server(stack: Stack, **extra: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mcp_server", "--transport", "http", "--port", str(port)],
        cwd=ROOT, env=server_env(stack, **extra),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert process.poll() is None, "the MCP server exited"
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("the MCP server did not listen within 30 s")
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)

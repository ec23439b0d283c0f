"""The one GraphQL client of the router: timeouts, retries on transient failures, cached reads."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from mcp_server.cache import ResponseCache, identity_of
from mcp_server.errors import GraphError

if TYPE_CHECKING:
    from mcp_server.settings import Settings

__all__ = ["CACHE_TRACE", "GraphClient"]

# Statuses a proxy or the router answers with before any resolver ran.
_TRANSIENT_STATUS = frozenset({502, 503, 504})
# A mutation is retried only when the request cannot have reached the router.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

# "hit" / "miss" for each cached read of the current tool call, read by the tool wrapper.
CACHE_TRACE: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "mcp_cache_trace", default=None
)


class _Transient(Exception):
    def __init__(self, error: GraphError) -> None:
        self.error = error


class GraphClient:
    """Sends documents to the router with the caller's bearer token; shared by every tool call."""

    def __init__(
        self,
        settings: Settings,
        http: httpx.AsyncClient | None = None,
        cache: ResponseCache | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.url = settings.router_url
        self.timeout = settings.timeout
        self.retries = settings.retries
        self.backoff = settings.backoff
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )
        self.cache = cache if cache is not None else ResponseCache(settings.cache_entries)
        self._sleep = sleep

    async def aclose(self) -> None:
        await self.http.aclose()

    async def query(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None,
        ttl: float = 0.0,
    ) -> dict[str, Any]:
        """Run a read; with `ttl`, answer from the caller's own cache partition when fresh."""
        variables = variables or {}
        key = ResponseCache.key(identity_of(token), document, variables) if ttl > 0 else None
        if key is not None:
            cached = self.cache.get(key)
            _trace("hit" if cached is not None else "miss")
            if cached is not None:
                return orjson.loads(cached)
        data = await self._send(document, variables, token, idempotent=True)
        if key is not None:
            self.cache.put(key, orjson.dumps(data), ttl)
        return data

    async def mutate(
        self, document: str, variables: dict[str, Any] | None = None, *, token: str | None
    ) -> dict[str, Any]:
        """Run a mutation: retried only when it cannot have reached the router."""
        return await self._send(document, variables or {}, token, idempotent=False)

    async def _send(
        self, document: str, variables: dict[str, Any], token: str | None, *, idempotent: bool
    ) -> dict[str, Any]:
        attempt = 0
        while True:
            try:
                return await self._attempt(document, variables, token, idempotent=idempotent)
            except _Transient as transient:
                if attempt >= self.retries:
                    raise transient.error from None
                await self._sleep(self.backoff * 2**attempt)
                attempt += 1

    async def _attempt(
        self, document: str, variables: dict[str, Any], token: str | None, *, idempotent: bool
    ) -> dict[str, Any]:
        headers = {"content-type": "application/json", "accept": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = orjson.dumps({"query": document, "variables": variables})
        try:
            response = await self.http.post(self.url, content=body, headers=headers)
        except _NOT_SENT as exc:
            raise _Transient(_unreachable(exc, self.timeout)) from exc
        except _TRANSIENT as exc:
            error = _unreachable(exc, self.timeout)
            if idempotent:
                raise _Transient(error) from exc
            raise GraphError(
                f"{error.message} It may have been carried out: check before trying again.",
                error.code,
            ) from exc
        if response.status_code in _TRANSIENT_STATUS:
            error = GraphError(
                f"The router is unavailable (HTTP {response.status_code}).", "UNAVAILABLE"
            )
            if idempotent:
                raise _Transient(error)
            raise error
        return _data_of(response)


def _trace(status: str) -> None:
    trace = CACHE_TRACE.get()
    if trace is not None:
        trace.append(status)


def _unreachable(exc: httpx.HTTPError, timeout: float) -> GraphError:
    if isinstance(exc, httpx.TimeoutException):
        return GraphError(f"The graph did not answer within {timeout:g} s.", "GATEWAY_TIMEOUT")
    return GraphError("The router cannot be reached.", "UNAVAILABLE")


def _data_of(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise GraphError(
            f"The router answered HTTP {response.status_code} without a GraphQL result.",
            "UPSTREAM_ERROR",
        ) from None
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if errors:
        first = errors[0]
        extensions = first.get("extensions") or {}
        raise GraphError(
            first.get("message") or "The graph refused the request.",
            str(extensions.get("code") or "GRAPHQL_ERROR"),
            path=first.get("path"),
        )
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise GraphError(
            f"The router answered HTTP {response.status_code} without data.", "UPSTREAM_ERROR"
        )
    return data

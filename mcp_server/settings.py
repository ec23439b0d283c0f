"""Settings of the MCP server, read once from the environment by the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Settings"]


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    """Attributes:
    router_url: the router's GraphQL endpoint, the only service this server talks to.
    token: stdio only: the bearer token sent for every call (`MG_MCP_TOKEN`); over HTTP each
        request brings its own and this one is never used.
    timeout: seconds per attempt at the router.
    retries: extra attempts after a transient failure (never for a mutation that may have run).
    backoff: seconds before the first retry; doubled for each next one.
    search_ttl, details_ttl, vocabulary_ttl: seconds answers stay in the response cache.
    cache_entries: at most this many cached answers (least recently used go first).
    host, port, path: where `--transport http` listens.
    authorization_server: over HTTP, the OAuth authorization server (`MG_MCP_AUTH_ISSUER`, the
        users service, whose `/.well-known/oauth-authorization-server` describes it, with the
        same URL as its `issuer`, and lets MCP clients register themselves): requests then
        need a bearer token the router accepts, and unauthenticated ones get 401 pointing at
        the protected-resource metadata, so MCP clients run authorization code + PKCE. Unset:
        anonymous requests are served and a bearer token, when sent, is passed through.
    public_url: this server's MCP URL as clients reach it (`MG_MCP_PUBLIC_URL`), the resource
        named in that metadata; default `http://host:port/path`.
    """

    router_url: str = "http://127.0.0.1:4000/graphql"
    token: str | None = None
    timeout: float = 5.0
    retries: int = 3
    backoff: float = 0.1
    search_ttl: float = 30.0
    details_ttl: float = 300.0
    vocabulary_ttl: float = 300.0
    cache_entries: int = 2048
    host: str = "127.0.0.1"
    port: int = 8765
    path: str = "/mcp"
    authorization_server: str | None = None
    public_url: str | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("MG_MCP_TIMEOUT must be positive")
        if not 0 <= self.retries <= 10:
            raise ValueError("MG_MCP_RETRIES must be between 0 and 10")
        if self.cache_entries < 0:
            raise ValueError("MG_MCP_CACHE_ENTRIES must not be negative")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        port = env.get("ROUTER_PORT", "4000")
        return cls(
            router_url=env.get("MG_MCP_ROUTER_URL") or f"http://127.0.0.1:{port}/graphql",
            token=env.get("MG_MCP_TOKEN") or None,
            timeout=_float(env, "MG_MCP_TIMEOUT", 5.0),
            retries=_int(env, "MG_MCP_RETRIES", 3),
            backoff=_float(env, "MG_MCP_BACKOFF", 0.1),
            search_ttl=_float(env, "MG_MCP_SEARCH_TTL", 30.0),
            details_ttl=_float(env, "MG_MCP_DETAILS_TTL", 300.0),
            vocabulary_ttl=_float(env, "MG_MCP_VOCABULARY_TTL", 300.0),
            cache_entries=_int(env, "MG_MCP_CACHE_ENTRIES", 2048),
            host=env.get("MG_MCP_HOST", "127.0.0.1"),
            port=_int(env, "MG_MCP_PORT", 8765),
            path=env.get("MG_MCP_PATH", "/mcp"),
            authorization_server=env.get("MG_MCP_AUTH_ISSUER") or None,
            public_url=env.get("MG_MCP_PUBLIC_URL") or None,
        )

    @property
    def resource_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}{self.path}"

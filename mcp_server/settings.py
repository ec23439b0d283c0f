"""Settings of the MCP server, read once from the environment by the composition root."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from subgraphs.common.settings import EnvSettings

__all__ = ["Settings"]


class Settings(EnvSettings):
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

    router_url: str = Field("http://127.0.0.1:4000/graphql", validation_alias="MG_MCP_ROUTER_URL")
    token: str | None = Field(None, validation_alias="MG_MCP_TOKEN")
    timeout: float = Field(5.0, gt=0, validation_alias="MG_MCP_TIMEOUT")
    retries: int = Field(3, ge=0, le=10, validation_alias="MG_MCP_RETRIES")
    backoff: float = Field(0.1, validation_alias="MG_MCP_BACKOFF")
    search_ttl: float = Field(30.0, validation_alias="MG_MCP_SEARCH_TTL")
    details_ttl: float = Field(300.0, validation_alias="MG_MCP_DETAILS_TTL")
    vocabulary_ttl: float = Field(300.0, validation_alias="MG_MCP_VOCABULARY_TTL")
    cache_entries: int = Field(2048, ge=0, validation_alias="MG_MCP_CACHE_ENTRIES")
    host: str = Field("127.0.0.1", validation_alias="MG_MCP_HOST")
    port: int = Field(8765, validation_alias="MG_MCP_PORT")
    path: str = Field("/mcp", validation_alias="MG_MCP_PATH")
    authorization_server: str | None = Field(None, validation_alias="MG_MCP_AUTH_ISSUER")
    public_url: str | None = Field(None, validation_alias="MG_MCP_PUBLIC_URL")

    @classmethod
    def derived_defaults(cls, env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
        return {"router_url": f"http://127.0.0.1:{env.get('ROUTER_PORT', '4000')}/graphql"}

    @property
    def resource_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}{self.path}"

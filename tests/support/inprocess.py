"""Run one subgraph's real ASGI app in-process against a real database, as a given viewer."""

from __future__ import annotations

import asyncio
import importlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from mediagateway.migrate import migrate
from mediagateway.registry import SUBGRAPHS
from subgraphs.common.auth import CLAIMS_HEADER, CLIENT_IP_HEADER, SECRET_HEADER, encode_claims
from subgraphs.common.settings import ServiceSettings

__all__ = ["ALL_SCOPES", "SubgraphClient", "run_subgraph"]

SECRET = "test-router-secret"
ALL_SCOPES = "read:watchlist write:watchlist read:history write:history playback:control"


@dataclass
class SubgraphClient:
    http: TestClient

    def headers_for(
        self, user_id: uuid.UUID | None, scope: str = ALL_SCOPES, ip: str | None = None,
        claims: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        """What the router forwards: its secret, the client's address and verified claims
        (`claims` adds to them, e.g. the `profile` a token acts as)."""
        headers = {SECRET_HEADER: SECRET}
        if ip is not None:
            headers[CLIENT_IP_HEADER] = ip
        if user_id is not None:
            headers[CLAIMS_HEADER] = encode_claims(
                {"sub": str(user_id), "scope": scope, **(claims or {})})
        return headers

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        user_id: uuid.UUID | None = None,
        scope: str = ALL_SCOPES,
        claims: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers_for(user_id, scope, claims=claims),
        )
        return response.json()


@contextmanager
def run_subgraph(
    name: str, database_url: str, redis_url: str, settings: ServiceSettings | None = None
) -> Iterator[SubgraphClient]:
    """Migrate `name`'s database and serve its app (lifespan included) to a test client.

    `settings`, when given, are the app's own (a subclass with more fields); else the shared
    ones for this database and Redis."""
    asyncio.run(migrate(name, database_url))
    module = importlib.import_module(SUBGRAPHS[name].app.split(":")[0])
    settings = settings or ServiceSettings(
        name=name, database_url=database_url, redis_url=redis_url, router_secret=SECRET
    )
    with TestClient(module.create_app(settings)) as http:
        yield SubgraphClient(http)


def sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite://{directory / f'{name}.sqlite3'}"

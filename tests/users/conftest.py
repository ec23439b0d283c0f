"""Fixtures for the users subgraph: its real app over a fresh database, one address a test."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from redis import Redis

from subgraphs.common.events import Event
from subgraphs.users.catalog import GROUP as CATALOG_GROUP
from tests.support.inprocess import ALL_SCOPES, SubgraphClient, run_subgraph

PASSWORD = "correct horse battery"
# `catalog(n)`: n new catalog titles (see the fixture).
Catalog = Callable[[int], list[str]]

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) {
    accessToken tokenType expiresIn
    user { id email displayName homeRegion subscribedPlatforms preferredGenres
           profiles { name isKid } }
  }
}
"""


def random_ip() -> str:
    """A client address no other test uses (rate limits count per address, in a shared Redis)."""
    return "10." + ".".join(str(secrets.randbelow(256)) for _ in range(3))


@dataclass
class UsersClient:
    """Sends GraphQL as a given user from this test's own address, so rate limits stay per test."""

    client: SubgraphClient
    ip: str = field(default_factory=lambda: random_ip())

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        user_id: uuid.UUID | None = None,
        scope: str = ALL_SCOPES,
        ip: str | None = None,
        claims: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        headers = self.client.headers_for(user_id, scope, ip=ip or self.ip, claims=claims)
        response = self.client.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        return response.json()

    def register(self, email: str | None = None, ip: str | None = None, **extra: Any) -> dict:
        """Register (a fresh email unless given) and return the `register` payload or errors."""
        variables = {
            "input": {
                "email": email or f"{uuid.uuid4().hex[:12]}@example.com",
                "password": PASSWORD,
                "displayName": "Ada",
                **extra,
            }
        }
        # Each registration from its own address: only the rate-limit tests share one.
        result = self.execute(REGISTER, variables, ip=ip or random_ip())
        return result

    def new_user(self, **extra: Any) -> uuid.UUID:
        result = self.register(**extra)
        assert "errors" not in result, result
        return uuid.UUID(result["data"]["register"]["user"]["id"])


@pytest.fixture
def users(database_url: str, redis_url: str) -> Iterator[UsersClient]:
    with run_subgraph("users", database_url, redis_url) as client:
        yield UsersClient(client)


@pytest.fixture
def catalog(users: UsersClient, redis: Redis) -> Catalog:
    """`catalog(n)`: n new titles content announced (`title.upserted`), once the users
    subgraph's projection has them (watchlist adds and viewings name catalog titles only)."""

    def announce(count: int) -> list[str]:
        titles = [str(uuid.uuid4()) for _ in range(count)]
        ids = [redis.xadd("title.upserted", Event(type="title.upserted", payload={
            "title_id": title, "title": "A title"}).encode()) for title in titles]
        deadline = time.monotonic() + 20
        while not _consumed(redis, "title.upserted", CATALOG_GROUP, ids[-1]):
            assert time.monotonic() < deadline, "the users subgraph never took the titles"
            time.sleep(0.02)
        return titles

    return announce


def _consumed(redis: Redis, stream: str, group: str, last: bytes) -> bool:
    for info in redis.xinfo_groups(stream):
        name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
        if name == group:
            return _id(info["last-delivered-id"]) >= _id(last) and info["pending"] == 0
    return False


def _id(stream_id: bytes | str) -> tuple[int, ...]:
    text = stream_id.decode() if isinstance(stream_id, bytes) else stream_id
    return tuple(int(part) for part in text.split("-"))


def events_of(redis: Redis, stream: str, **payload: Any) -> list[Event]:
    """The events on `stream` whose payload has all the given values."""
    found = [Event.decode(fields) for _, fields in redis.xrange(stream)]
    return [e for e in found if all(e.payload.get(k) == v for k, v in payload.items())]


def error_codes(result: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]

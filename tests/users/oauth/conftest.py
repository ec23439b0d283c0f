"""The users service served by uvicorn on a real port (lifespan and all), for real OAuth clients.

Each test gets a fresh database and Redis, two registered clients (a public web app using
PKCE and a TV using the device flow) and one account."""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import ServiceSettings
from subgraphs.users.app import create_app
from subgraphs.users.oauth.adapters.clients import ClientStore
from subgraphs.users.oauth.domain import DEVICE_CODE_GRANT
from subgraphs.users.settings import MODELS
from tests.support.http_server import serve
from tests.support.inprocess import SECRET
from tests.users.conftest import PASSWORD, REGISTER, random_ip

WEB_CLIENT = "demo-web"
WEB_REDIRECT = "http://127.0.0.1:8765/callback"
TV_CLIENT = "demo-tv"
SECRET_CLIENT = "partner-app"
SECRET_CLIENT_SECRET = "partner-secret-value"


async def _register_clients(database_url: str) -> None:
    await open_database(database_url, MODELS)
    try:
        clients = ClientStore()
        await clients.register(WEB_CLIENT, "Demo Web", redirect_uris=[WEB_REDIRECT])
        await clients.register(TV_CLIENT, "Living-room TV",
                               grant_types=[DEVICE_CODE_GRANT, "refresh_token"])
        await clients.register(SECRET_CLIENT, "Partner App", redirect_uris=[WEB_REDIRECT],
                               secret=SECRET_CLIENT_SECRET)
    finally:
        await close_database()


@dataclass
class UsersServer:
    url: str
    email: str
    user_id: uuid.UUID
    # This test's own client address: rate limits count per address.
    ip: str = field(default_factory=random_ip)

    @property
    def headers(self) -> dict[str, str]:
        return {"x-forwarded-for": self.ip}

    def graphql(self, query: str, variables: dict | None = None, token_claims: str | None = None,
                ip: str | None = None) -> dict:
        """As the router would send it: its secret, the client's address, verified claims."""
        headers = {"x-mg-router-secret": SECRET, "x-mg-client-ip": ip or self.ip}
        if token_claims:
            headers["x-mg-claims"] = token_claims
        response = httpx.post(f"{self.url}/graphql", json={"query": query,
                              "variables": variables or {}}, headers=headers, timeout=30)
        return response.json()


@pytest.fixture
def users_server(database_url: str, redis_url: str) -> Iterator[UsersServer]:
    asyncio.run(migrate("users", database_url))
    asyncio.run(_register_clients(database_url))
    settings = ServiceSettings(name="users", database_url=database_url, redis_url=redis_url,
                               router_secret=SECRET)
    with serve(create_app(settings), lifespan="on", forwarded_allow_ips="*") as url:
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        server = UsersServer(url=url, email=email, user_id=uuid.uuid4())
        result = server.graphql(REGISTER, {"input": {"email": email, "password": PASSWORD,
                                                     "displayName": "Ada"}}, ip=random_ip())
        server.user_id = uuid.UUID(result["data"]["register"]["user"]["id"])
        yield server


def form_value(html: str, name: str) -> str:
    match = re.search(rf"name='{name}' value='([^']*)'", html)
    assert match, html
    return match.group(1)


def verifier() -> str:
    return secrets.token_urlsafe(48)

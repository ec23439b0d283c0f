"""An MCP client signs itself in, with the SDK's own OAuth client against the real stack: it
finds the users service through the MCP server's protected-resource metadata, reads its
RFC 8414 metadata, registers itself (RFC 7591), and runs authorization code + PKCE, while the
test plays the user on the real consent page. Then the registration endpoint's refusals."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
import jwt
import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

from mediagateway.redis_server import free_port
from mediagateway.stack import Stack
from tests.mcp.conftest import Router, http_server, structured
from tests.support.stack import DEMO_PASSWORD

USER = "user5@demo.mediagateway.dev"
REGISTER_TV = """mutation { registerDevice(input: {name: "OAuth flow TV", kind: TV,
  capabilities: {remoteControllable: true, maxResolution: UHD}}) { id } }"""


class MemoryStorage:
    """The SDK's TokenStorage, in memory: what a desktop client would keep on disk."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def _form_value(html: str, name: str) -> str:
    match = re.search(rf"name='{name}' value='([^']*)'", html)
    assert match, html
    return match.group(1)


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Browser:
    """The user's browser: opens the authorization URL on the users service, signs in on the
    consent page, allows, and reads the code off the redirect to the app's loopback address
    (where nothing needs to listen: the redirect is not followed)."""

    def __init__(self, email: str = USER) -> None:
        self.email = email
        self.pages: list[str] = []
        self.authorization_urls: list[str] = []
        self.redirect: dict[str, list[str]] = {}

    async def open(self, url: str) -> httpx.Response:
        self.authorization_urls.append(url)
        async with httpx.AsyncClient(timeout=30) as http:
            return await http.get(url)

    async def approve(self, url: str) -> str:
        """The redirect back to the app after signing in and allowing."""
        page = await self.open(url)
        assert page.status_code == 200, page.text
        self.pages.append(page.text)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        form = {"request_id": _form_value(page.text, "request_id"), "email": self.email,
                "password": DEMO_PASSWORD, "decision": "approve"}
        deadline = time.monotonic() + 75
        async with httpx.AsyncClient(timeout=30) as http:
            while True:
                answer = await http.post(f"{origin}/oauth/authorize", data=form)
                # Sign-ins are limited per address; other tests spend them too: wait, like a
                # person would, at most one window.
                if answer.status_code != 429 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(3)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    async def redirect_handler(self, url: str) -> None:
        location = await self.approve(url)
        self.redirect = parse_qs(urlsplit(location).query)
        self.redirect["_location"] = [location]

    async def callback_handler(self) -> AuthorizationCodeResult:
        assert "code" in self.redirect, self.redirect
        return AuthorizationCodeResult(code=self.redirect["code"][0],
                                       state=self.redirect.get("state", [None])[0])


@pytest.fixture(scope="module")
def oauth_mcp(stack: Stack) -> Iterator[str]:
    """The MCP server over HTTP, with the users service as its authorization server."""
    with http_server(stack, MG_MCP_AUTH_ISSUER=stack.oauth_url) as url:
        yield url


@asynccontextmanager
async def _signed_in_client(url: str, provider: OAuthClientProvider) -> AsyncIterator[Client]:
    http = httpx2.AsyncClient(auth=provider, timeout=httpx2.Timeout(30, read=300))
    async with http, Client(streamable_http_client(url, http_client=http), cache=None) as client:
        yield client


def _register(stack: Stack, **metadata: object) -> httpx.Response:
    return httpx.post(f"{stack.oauth_url}/oauth/register", json=metadata, timeout=10)


async def test_an_mcp_client_registers_signs_in_with_pkce_and_acts_for_the_user(
    oauth_mcp: str, stack: Stack, router: Router
) -> None:
    # The user has a TV; the signed-in MCP client must see it.
    account = router.login(USER)
    user_id = router.execute("{ me { id } }", token=account)["data"]["me"]["id"]
    device = router.execute(REGISTER_TV, token=account)["data"]["registerDevice"]["id"]

    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    storage, browser = MemoryStorage(), Browser()
    provider = OAuthClientProvider(
        server_url=oauth_mcp,
        client_metadata=OAuthClientMetadata(
            client_name="MCP flow test", redirect_uris=[redirect_uri],  # type: ignore[list-item]
            grant_types=["authorization_code", "refresh_token"], response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=browser.redirect_handler,
        callback_handler=browser.callback_handler,
    )
    async with _signed_in_client(oauth_mcp, provider) as client:
        schemas = {tool.name: tool.output_schema for tool in (await client.list_tools()).tools}
        devices = structured(await client.call_tool("list_devices", {"includeOffline": True}),
                             schemas["list_devices"])
        assert device in {d["id"] for d in devices["devices"]}

        # It registered itself, as a public client bound to that redirect URI...
        registered = storage.client_info
        assert registered is not None and registered.client_id.startswith("dyn-")
        assert registered.token_endpoint_auth_method == "none"
        assert registered.client_secret is None
        assert [str(uri) for uri in registered.redirect_uris or []] == [redirect_uri]
        # ...and the user saw its (self-chosen) name flagged as unverified, and the scopes.
        (consent,) = browser.pages
        assert "MCP flow test" in consent and "has not verified its name" in consent
        assert "playback:control" in consent
        # The SDK asked with S256 PKCE and an RFC 8707 resource indicator: this MCP server.
        (authorization_url,) = browser.authorization_urls
        asked = parse_qs(urlsplit(authorization_url).query)
        assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"]
        assert asked["resource"] == [oauth_mcp]
        assert browser.redirect["_location"][0].startswith(redirect_uri + "?")

        # The token is for that user and that client, with the graph's audience (which the
        # router checks), and the scopes a third-party client may have.
        tokens = storage.tokens
        assert tokens is not None and tokens.refresh_token
        claims = jwt.decode(tokens.access_token, options={"verify_signature": False})
        assert claims["sub"] == user_id and claims["client_id"] == registered.client_id
        assert claims["aud"] == "media-gateway" and claims["iss"] == "media-gateway"
        assert set(claims["scope"].split()) == {
            "read:watchlist", "write:watchlist", "playback:control", "profile"}

        # Once the access token expires, the SDK refreshes it (rotated) and carries on.
        provider.context.token_expiry_time = time.time() - 1
        assert not (await client.call_tool("get_genres", {})).is_error
        assert storage.tokens is not None
        assert storage.tokens.access_token != tokens.access_token
        assert storage.tokens.refresh_token not in (None, tokens.refresh_token)


def test_the_authorization_server_metadata_offers_registration(stack: Stack) -> None:
    base = stack.oauth_url
    metadata = httpx.get(f"{base}/.well-known/oauth-authorization-server", timeout=10).json()
    AuthorizationServerMetadata(metadata).validate()
    assert metadata["issuer"] == base  # RFC 8414 §3.3: the URL it is fetched under
    assert metadata["registration_endpoint"] == f"{base}/oauth/register"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    # The same server as the OpenID-style document describes, endpoint for endpoint.
    openid = httpx.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
    assert {k: v for k, v in openid.items() if k != "issuer"} == {
        k: v for k, v in metadata.items() if k != "issuer"}


def test_registration_takes_public_clients_with_loopback_or_https_redirects_only(
    stack: Stack
) -> None:
    for uri in ("http://mcp.example.com/callback", "http://127.0.0.1.example.com/cb",
                "myapp://callback"):
        refused = _register(stack, client_name="Sneaky", redirect_uris=[uri])
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] == "invalid_redirect_uri", refused.text
    confidential = _register(stack, redirect_uris=["https://app.example.com/cb"],
                             token_endpoint_auth_method="client_secret_basic")
    assert confidential.status_code == 400
    assert confidential.json()["error"] == "invalid_client_metadata"
    # Loopback on any port, IPv6 included, and https are fine; unknown fields are ignored.
    accepted = _register(stack, client_name="Loopback app", software_statement_x="ignored",
                         redirect_uris=["http://[::1]:53123/cb", "https://app.example.com/cb"])
    assert accepted.status_code == 201, accepted.text
    body = accepted.json()
    assert body["token_endpoint_auth_method"] == "none" and "client_secret" not in body
    assert body["grant_types"] == ["authorization_code"]  # RFC 7591's default
    assert "software_statement_x" not in body


async def test_a_code_needs_its_pkce_verifier_and_scopes_stay_within_the_servers(
    stack: Stack
) -> None:
    base, redirect_uri = stack.oauth_url, f"http://localhost:{free_port()}/cb"
    # A scope the server never grants to third parties cannot even be registered.
    greedy = _register(stack, redirect_uris=[redirect_uri], scope="read:watchlist account")
    assert greedy.status_code == 400 and greedy.json()["error"] == "invalid_client_metadata"
    registered = _register(stack, client_name="PKCE test", redirect_uris=[redirect_uri],
                           grant_types=["authorization_code", "refresh_token"],
                           scope="read:watchlist")
    assert registered.status_code == 201, registered.text
    client_id = registered.json()["client_id"]
    assert registered.json()["scope"] == "read:watchlist"
    browser = Browser()

    def authorize_url(challenge: str, scope: str = "read:watchlist") -> str:
        query = httpx.QueryParams(response_type="code", client_id=client_id, scope=scope,
                                  redirect_uri=redirect_uri, state="s",
                                  code_challenge=challenge, code_challenge_method="S256")
        return f"{base}/oauth/authorize?{query}"

    # Asking for `account` anyway: refused back to the app; asking for more than it
    # registered: the consent page offers (and the token would carry) only what it registered.
    refused = await browser.open(authorize_url(_pkce()[1], "read:watchlist account"))
    assert refused.status_code == 302
    assert parse_qs(urlsplit(refused.headers["location"]).query)["error"] == ["invalid_scope"]
    narrowed = await browser.open(authorize_url(_pkce()[1], "read:watchlist profile"))
    assert "read:watchlist" in narrowed.text and "<code>profile</code>" not in narrowed.text

    async def code_for(challenge: str) -> str:
        location = await browser.approve(authorize_url(challenge))
        return parse_qs(urlsplit(location).query)["code"][0]

    def redeem(code: str, verifier: str | None) -> httpx.Response:
        form = {"grant_type": "authorization_code", "code": code, "client_id": client_id,
                "redirect_uri": redirect_uri}
        if verifier is not None:
            form["code_verifier"] = verifier
        return httpx.post(f"{base}/oauth/token", data=form, timeout=10)

    verifier, challenge = _pkce()
    for wrong in (None, _pkce()[0]):  # no verifier; another one
        refused = redeem(await code_for(challenge), wrong)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] in ("invalid_grant", "invalid_request"), refused.text
    granted = redeem(await code_for(challenge), verifier)
    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == "read:watchlist"

"""Authorization code + PKCE with Authlib's own client, as a third-party app would sign in."""

from __future__ import annotations

import httpx
import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from redis.asyncio import Redis

from subgraphs.users.oauth.adapters.state import OAuthState
from tests.users.conftest import PASSWORD
from tests.users.oauth.conftest import (
    WEB_CLIENT,
    WEB_REDIRECT,
    UsersServer,
    form_value,
    verifier,
)


def _client(server: UsersServer, **extra: object) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=WEB_CLIENT, redirect_uri=WEB_REDIRECT, scope="read:watchlist write:watchlist",
        code_challenge_method="S256", token_endpoint_auth_method="none",
        headers=server.headers, **extra,
    )


async def _authorize(client: AsyncOAuth2Client, server: UsersServer, code_verifier: str,
                     decision: str = "approve") -> str:
    """The user's browser opens the consent page, signs in and answers; the redirect back."""
    url, _ = client.create_authorization_url(f"{server.url}/oauth/authorize",
                                             code_verifier=code_verifier)
    async with httpx.AsyncClient(headers=server.headers) as browser:
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        assert "Demo Web" in page.text and "write:watchlist" in page.text
        answer = await browser.post(f"{server.url}/oauth/authorize", data={
            "request_id": form_value(page.text, "request_id"), "email": server.email,
            "password": PASSWORD, "decision": decision,
        })
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(WEB_REDIRECT)
    return location


async def test_pkce_flow_gives_scoped_tokens_that_rotate(users_server: UsersServer) -> None:
    code_verifier = verifier()
    async with _client(users_server) as client:
        location = await _authorize(client, users_server, code_verifier)
        token = await client.fetch_token(f"{users_server.url}/oauth/token",
                                         authorization_response=location,
                                         code_verifier=code_verifier)
        assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
        assert token["scope"] == "read:watchlist write:watchlist"
        keys = (await client.get(f"{users_server.url}/.well-known/jwks.json")).json()["keys"]
        claims = jwt.decode(token["access_token"], jwt.PyJWK(keys[0]).key, algorithms=["RS256"],
                            audience="media-gateway", issuer="media-gateway")
        assert claims["sub"] == str(users_server.user_id)
        assert claims["scope"] == "read:watchlist write:watchlist"
        assert claims["client_id"] == WEB_CLIENT and claims["profile"]

        first_refresh = token["refresh_token"]
        renewed = await client.refresh_token(f"{users_server.url}/oauth/token",
                                             refresh_token=first_refresh)
        assert renewed["refresh_token"] != first_refresh
        assert renewed["access_token"] != token["access_token"]
        # Rotated: the first refresh token is spent, and presenting it again ends the sign-in.
        try:
            await client.refresh_token(f"{users_server.url}/oauth/token",
                                       refresh_token=first_refresh)
            raise AssertionError("a reused refresh token was accepted")
        except OAuthError as error:
            assert error.error == "invalid_grant"
        try:
            await client.refresh_token(f"{users_server.url}/oauth/token",
                                       refresh_token=renewed["refresh_token"])
            raise AssertionError("the family survived a reuse")
        except OAuthError as error:
            assert error.error == "invalid_grant"


async def test_a_reused_code_is_refused_and_revokes_what_it_issued(
    users_server: UsersServer,
) -> None:
    code_verifier = verifier()
    async with _client(users_server) as client:
        location = await _authorize(client, users_server, code_verifier)
        token = await client.fetch_token(f"{users_server.url}/oauth/token",
                                         authorization_response=location,
                                         code_verifier=code_verifier)
        try:
            await client.fetch_token(f"{users_server.url}/oauth/token",
                                     authorization_response=location,
                                     code_verifier=code_verifier)
            raise AssertionError("a code was accepted twice")
        except OAuthError as error:
            assert error.error == "invalid_grant"
        # The refresh token the first exchange issued is revoked with its family.
        try:
            await client.refresh_token(f"{users_server.url}/oauth/token",
                                       refresh_token=token["refresh_token"])
            raise AssertionError("the first use's refresh token survived the reuse")
        except OAuthError as error:
            assert error.error == "invalid_grant"


async def test_wrong_verifier_plain_pkce_and_unregistered_redirects_are_refused(
    users_server: UsersServer,
) -> None:
    code_verifier = verifier()
    async with _client(users_server) as client:
        location = await _authorize(client, users_server, code_verifier)
        try:
            await client.fetch_token(f"{users_server.url}/oauth/token",
                                     authorization_response=location, code_verifier=verifier())
            raise AssertionError("a wrong code_verifier was accepted")
        except OAuthError as error:
            assert error.error == "invalid_grant"

    async with httpx.AsyncClient(headers=users_server.headers) as browser:
        base = {"response_type": "code", "client_id": WEB_CLIENT, "redirect_uri": WEB_REDIRECT,
                "scope": "read:watchlist", "state": "xyz"}
        # `plain` PKCE, or none at all: sent back to the (registered) app as invalid_request.
        for extra in ({"code_challenge": verifier(), "code_challenge_method": "plain"}, {}):
            response = await browser.get(f"{users_server.url}/oauth/authorize",
                                         params={**base, **extra})
            assert response.status_code == 302
            assert "error=invalid_request" in response.headers["location"]
            assert "state=xyz" in response.headers["location"]
        # A redirect URI that is not registered exactly is never redirected to.
        pkce = {"code_challenge": "a" * 43, "code_challenge_method": "S256"}
        for redirect in (WEB_REDIRECT + "/extra", "http://127.0.0.1:8765/callback?x=1",
                         "https://evil.example/callback"):
            response = await browser.get(f"{users_server.url}/oauth/authorize",
                                         params={**base, **pkce, "redirect_uri": redirect})
            assert response.status_code == 400
            assert "location" not in response.headers
        # An unknown client likewise.
        response = await browser.get(f"{users_server.url}/oauth/authorize",
                                     params={**base, **pkce, "client_id": "nobody"})
        assert response.status_code == 400
        # A scope the server does not know goes back to the app as invalid_scope.
        response = await browser.get(f"{users_server.url}/oauth/authorize",
                                     params={**base, **pkce, "scope": "admin"})
        assert "error=invalid_scope" in response.headers["location"]


async def test_denying_consent_and_a_wrong_password(users_server: UsersServer) -> None:
    async with _client(users_server) as client:
        location = await _authorize(client, users_server, verifier(), decision="deny")
        assert "error=access_denied" in location
        url, _ = client.create_authorization_url(f"{users_server.url}/oauth/authorize",
                                                 code_verifier=verifier())
    async with httpx.AsyncClient(headers=users_server.headers) as browser:
        page = await browser.get(url)
        request_id = form_value(page.text, "request_id")
        wrong = await browser.post(f"{users_server.url}/oauth/authorize", data={
            "request_id": request_id, "email": users_server.email, "password": "not it at all",
            "decision": "approve"})
        assert wrong.status_code == 401 and "location" not in wrong.headers
        # The request waits for a second try; an unknown request id is refused.
        right = await browser.post(f"{users_server.url}/oauth/authorize", data={
            "request_id": request_id, "email": users_server.email, "password": PASSWORD,
            "decision": "approve"})
        assert right.status_code == 302 and "code=" in right.headers["location"]
        again = await browser.post(f"{users_server.url}/oauth/authorize", data={
            "request_id": request_id, "email": users_server.email, "password": PASSWORD,
            "decision": "approve"})
        assert again.status_code == 400


async def test_bad_token_requests_get_rfc_errors(users_server: UsersServer) -> None:
    async with httpx.AsyncClient(headers=users_server.headers) as http:
        token_url = f"{users_server.url}/oauth/token"
        cases = [
            ({"grant_type": "password", "client_id": WEB_CLIENT}, "unsupported_grant_type"),
            ({"grant_type": "authorization_code", "client_id": WEB_CLIENT, "code": "nope",
              "redirect_uri": WEB_REDIRECT, "code_verifier": verifier()}, "invalid_grant"),
            ({"grant_type": "authorization_code", "client_id": "nobody", "code": "nope"},
             "invalid_client"),
            ({"grant_type": "refresh_token", "client_id": WEB_CLIENT, "refresh_token": "x"},
             "invalid_grant"),
        ]
        for form, error in cases:
            response = await http.post(token_url, data=form)
            assert response.status_code in (400, 401), response.text
            assert response.json()["error"] == error, (form, response.text)
        discovery = (await http.get(
            f"{users_server.url}/.well-known/openid-configuration")).json()
        assert discovery["token_endpoint"] == token_url
        assert discovery["code_challenge_methods_supported"] == ["S256"]
        assert discovery["issuer"] == "media-gateway"
        assert (await http.get(discovery["jwks_uri"])).json()["keys"][0]["kid"]


async def test_revocation_ends_refresh_and_access_tokens(users_server: UsersServer,
                                                         redis_url: str) -> None:
    code_verifier = verifier()
    async with _client(users_server) as client:
        location = await _authorize(client, users_server, code_verifier)
        token = await client.fetch_token(f"{users_server.url}/oauth/token",
                                         authorization_response=location,
                                         code_verifier=code_verifier)
        revoke_url = f"{users_server.url}/oauth/revoke"
        response = await client.revoke_token(revoke_url, token=token["access_token"],
                                             token_type_hint="access_token")
        assert response.status_code == 200
        jti = jwt.decode(token["access_token"], options={"verify_signature": False})["jti"]
        redis = Redis.from_url(redis_url)
        try:
            assert await OAuthState(redis).is_revoked(jti)
        finally:
            await redis.aclose()
        response = await client.revoke_token(revoke_url, token=token["refresh_token"],
                                             token_type_hint="refresh_token")
        assert response.status_code == 200
        try:
            await client.refresh_token(f"{users_server.url}/oauth/token",
                                       refresh_token=token["refresh_token"])
            raise AssertionError("a revoked refresh token was accepted")
        except OAuthError as error:
            assert error.error == "invalid_grant"
        # RFC 7009 §2.2: unknown tokens are answered 200 as well.
        response = await client.revoke_token(revoke_url, token="no-such-token")
        assert response.status_code == 200

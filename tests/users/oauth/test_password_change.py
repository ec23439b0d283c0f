"""Changing the password signs out every session: refresh tokens stop renewing and access
tokens issued before the change are marked revoked for the router (real server, Authlib client)."""

from __future__ import annotations

import time

import jwt
from authlib.integrations.httpx_client import OAuthError
from redis.asyncio import Redis

from subgraphs.common.auth import encode_claims
from subgraphs.users.oauth.adapters.state import OAuthState
from tests.users.conftest import PASSWORD
from tests.users.oauth.conftest import UsersServer, verifier
from tests.users.oauth.test_pkce import _authorize, _client

OWNER = "read:watchlist write:watchlist read:history write:history playback:control profile account"
CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(input: {currentPassword: $c, newPassword: $n}) {
    accessToken tokenType expiresIn signedOutSessions } }"""
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
NEW_PASSWORD = "a-new-and-longer-passphrase"


def _code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_a_password_change_ends_every_other_session(
    users_server: UsersServer, redis_url: str
) -> None:
    code_verifier = verifier()
    async with _client(users_server) as client:
        location = await _authorize(client, users_server, code_verifier)
        app_token = await client.fetch_token(f"{users_server.url}/oauth/token",
                                             authorization_response=location,
                                             code_verifier=code_verifier)
    me = encode_claims({"sub": str(users_server.user_id), "scope": OWNER})
    # Refused, and nothing changed: a wrong current password, a too-short new one, no scope.
    wrong = users_server.graphql(CHANGE, {"c": "not-my-password", "n": NEW_PASSWORD}, me)
    assert _code(wrong) == "BAD_USER_INPUT", wrong
    short = users_server.graphql(CHANGE, {"c": PASSWORD, "n": "short"}, me)
    assert _code(short) == "BAD_USER_INPUT", short
    third_party = encode_claims({"sub": str(users_server.user_id), "scope": "read:watchlist"})
    assert _code(users_server.graphql(CHANGE, {"c": PASSWORD, "n": NEW_PASSWORD},
                                      third_party)) == "FORBIDDEN"
    assert "errors" not in users_server.graphql(LOGIN, {"e": users_server.email, "p": PASSWORD})

    before = int(time.time())
    changed = users_server.graphql(CHANGE, {"c": PASSWORD, "n": NEW_PASSWORD}, me)
    assert "errors" not in changed, changed
    payload = changed["data"]["changePassword"]
    assert payload["signedOutSessions"] == 1 and payload["tokenType"] == "Bearer"
    fresh = jwt.decode(payload["accessToken"], options={"verify_signature": False})
    assert fresh["sub"] == str(users_server.user_id) and "account" in fresh["scope"].split()

    # The app's refresh token no longer renews; its access token and every older one are out.
    async with _client(users_server) as client:
        try:
            await client.refresh_token(f"{users_server.url}/oauth/token",
                                       refresh_token=app_token["refresh_token"])
            raise AssertionError("a refresh token outlived the password change")
        except OAuthError as error:
            assert error.error == "invalid_grant"
    redis = Redis.from_url(redis_url)
    try:
        state = OAuthState(redis)
        app_jti = jwt.decode(app_token["access_token"], options={"verify_signature": False})["jti"]
        assert await state.is_revoked(app_jti)
        cutoff = await state.signed_out_before(str(users_server.user_id))
        assert cutoff is not None and before <= cutoff <= fresh["iat"]
    finally:
        await redis.aclose()

    # Only the new password signs in now.
    assert _code(users_server.graphql(LOGIN, {"e": users_server.email, "p": PASSWORD})) == (
        "UNAUTHENTICATED")
    assert "errors" not in users_server.graphql(LOGIN, {"e": users_server.email,
                                                        "p": NEW_PASSWORD})

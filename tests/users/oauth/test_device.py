"""The device authorization grant (RFC 8628) with Authlib's client, as a TV app signs in."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from redis.asyncio import Redis

from subgraphs.common.auth import encode_claims
from subgraphs.common.events import Event
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.oauth.domain import DEVICE_CODE_GRANT, DeviceCredential
from tests.users.conftest import PASSWORD
from tests.users.oauth.conftest import TV_CLIENT, WEB_CLIENT, UsersServer

USER_CODE = re.compile(r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}")


def _tv(server: UsersServer) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(client_id=TV_CLIENT, token_endpoint_auth_method="none",
                             headers=server.headers)


async def _start(tv: AsyncOAuth2Client, server: UsersServer,
                 scope: str = "read:watchlist playback:control") -> dict[str, Any]:
    response = await tv.request("POST", f"{server.url}/oauth/device_authorization",
                                data={"client_id": TV_CLIENT, "scope": scope},
                                withhold_token=True)
    assert response.status_code == 200, response.text
    return response.json()


async def _poll(tv: AsyncOAuth2Client, server: UsersServer, device_code: str) -> dict[str, Any]:
    return await tv.fetch_token(f"{server.url}/oauth/token", grant_type=DEVICE_CODE_GRANT,
                                device_code=device_code)


async def _poll_error(tv: AsyncOAuth2Client, server: UsersServer, device_code: str) -> str:
    try:
        await _poll(tv, server, device_code)
    except OAuthError as error:
        return str(error.error)
    raise AssertionError("the poll was answered with tokens")


async def _approve_on_page(server: UsersServer, user_code: str, decision: str = "approve",
                           password: str = PASSWORD, ip: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(headers={"x-forwarded-for": ip or server.ip}) as browser:
        return await browser.post(f"{server.url}/oauth/device", data={
            "user_code": user_code, "email": server.email, "password": password,
            "decision": decision})


async def test_a_tv_signs_in_with_the_device_flow(users_server: UsersServer,
                                                  redis_url: str) -> None:
    async with _tv(users_server) as tv:
        started = await _start(tv, users_server)
        assert USER_CODE.fullmatch(started["user_code"])
        assert started["verification_uri"] == f"{users_server.url}/oauth/device"
        assert started["verification_uri_complete"] == (
            f"{users_server.url}/oauth/device?user_code={started['user_code']}")
        assert (started["expires_in"], started["interval"]) == (900, 5)

        assert await _poll_error(tv, users_server, started["device_code"]) == (
            "authorization_pending")
        # Polling again at once, inside the interval: slow down.
        assert await _poll_error(tv, users_server, started["device_code"]) == "slow_down"

        async with httpx.AsyncClient() as browser:
            page = await browser.get(started["verification_uri_complete"])
        assert started["user_code"] in page.text
        # Typed the way people type it: lower case, no dash.
        approved = await _approve_on_page(
            users_server, started["user_code"].replace("-", "").lower())
        assert approved.status_code == 200 and "is signed in" in approved.text

        token = await _poll(tv, users_server, started["device_code"])
        assert token["scope"] == "read:watchlist playback:control"
        assert token["refresh_token"]
        renewed = await tv.refresh_token(f"{users_server.url}/oauth/token",
                                         refresh_token=token["refresh_token"])
        assert renewed["access_token"]
        # The device code is spent.
        assert await _poll_error(tv, users_server, started["device_code"]) == "invalid_request"

    redis = Redis.from_url(redis_url)
    try:
        events = [Event.decode(fields) for _, fields in await redis.xrange("device.signed_in")]
    finally:
        await redis.aclose()
    assert [(e.payload["user_id"], e.payload["client_id"]) for e in events] == [
        (str(users_server.user_id), TV_CLIENT)]


async def test_denied_and_expired_device_codes(users_server: UsersServer,
                                               redis_url: str) -> None:
    async with _tv(users_server) as tv:
        denied = await _start(tv, users_server)
        answer = await _approve_on_page(users_server, denied["user_code"], decision="deny")
        assert answer.status_code == 200 and "was not signed in" in answer.text
        assert await _poll_error(tv, users_server, denied["device_code"]) == "access_denied"
        # Answered once only.
        again = await _approve_on_page(users_server, denied["user_code"])
        assert again.status_code == 400

        expired = await _start(tv, users_server)
        redis = Redis.from_url(redis_url)
        try:
            await OAuthState(redis).put_device(expired["device_code"], DeviceCredential(
                TV_CLIENT, "read:watchlist", expired["user_code"], time.time() - 1))
        finally:
            await redis.aclose()
        assert await _poll_error(tv, users_server, expired["device_code"]) == "expired_token"
        gone = await _approve_on_page(users_server, expired["user_code"])
        assert gone.status_code == 404


async def test_device_flow_refusals(users_server: UsersServer) -> None:
    async with httpx.AsyncClient(headers=users_server.headers) as http:
        url = f"{users_server.url}/oauth/device_authorization"
        # A client not registered for the device flow, an unknown one, an unknown scope.
        for form, error in (({"client_id": WEB_CLIENT}, "unauthorized_client"),
                            ({"client_id": "nobody"}, "invalid_client"),
                            ({"client_id": TV_CLIENT, "scope": "admin"}, "invalid_scope")):
            response = await http.post(url, data=form)
            assert response.status_code in (400, 401), response.text
            assert response.json()["error"] == error
        # Five device authorizations a minute per address: the sixth is refused (3 above).
        for _ in range(2):
            assert (await http.post(url, data={"client_id": TV_CLIENT})).status_code == 200
        limited = await http.post(url, data={"client_id": TV_CLIENT})
        assert limited.status_code == 429
        assert limited.json()["error"] == "rate_limited"
        assert 0 < int(limited.headers["retry-after"]) <= 60


async def test_guessing_user_codes_is_throttled(users_server: UsersServer) -> None:
    for attempt in range(10):
        wrong = await _approve_on_page(users_server, f"BCDF-GHJ{'KLMNPQRSTV'[attempt]}")
        assert wrong.status_code == 404, wrong.text
    limited = await _approve_on_page(users_server, "BCDF-GHJW")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 900  # the page says when to try again
    # The account is held too, from another address.
    elsewhere = await _approve_on_page(users_server, "BCDF-GHJW", ip="10.99.99.99")
    assert elsewhere.status_code == 429


APPROVE = """
mutation($code: String!, $approve: Boolean!) {
  approveDevice(userCode: $code, approve: $approve) { userCode clientName scopes approved }
}
"""


async def test_approving_a_device_through_graphql(users_server: UsersServer) -> None:
    async with _tv(users_server) as tv:
        started = await _start(tv, users_server, scope="playback:control")
        code = started["user_code"]
        # A third-party token (no `account` scope) cannot sign devices in.
        third_party = encode_claims({"sub": str(users_server.user_id),
                                     "scope": "read:watchlist write:watchlist playback:control"})
        refused = users_server.graphql(APPROVE, {"code": code, "approve": True}, third_party)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert users_server.graphql(APPROVE, {"code": code, "approve": True})["errors"][0][
            "extensions"]["code"] == "UNAUTHENTICATED"

        first_party = encode_claims({"sub": str(users_server.user_id), "scope": "account"})
        result = users_server.graphql(APPROVE, {"code": code.lower(), "approve": True},
                                      first_party)
        assert result["data"]["approveDevice"] == {
            "userCode": code, "clientName": "Living-room TV", "scopes": ["playback:control"],
            "approved": True}
        unknown = users_server.graphql(APPROVE, {"code": "BCDF-GHJK", "approve": True},
                                       first_party)
        assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        token = await _poll(tv, users_server, started["device_code"])
        assert token["scope"] == "playback:control"

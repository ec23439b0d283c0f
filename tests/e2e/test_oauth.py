"""OAuth through the whole system: tokens from the device flow carry scopes that the subgraphs
enforce behind the real router, and the router refuses forged or stale tokens."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
import uuid

import jwt
from authlib.integrations.httpx_client import AsyncOAuth2Client
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.asyncio.client import connect

from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from subgraphs.users.oauth.demo_clients import DEMO_TV_CLIENT
from subgraphs.users.oauth.domain import DEVICE_CODE_GRANT
from tests.support.device_flow import approve_in_browser, start_on_tv
from tests.support.stack import DEMO_PASSWORD, Router

ME = "{ me { id } }"
ADD = "mutation($t: ID!) { addToWatchlist(titleId: $t) { title { id } } }"
SEND = """mutation($d: ID!) { sendCommand(input: {targetDeviceId: $d, kind: PAUSE}) { id } }"""
_KEY_SCRIPT = """
import asyncio, os
from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import database_url_for
from subgraphs.users.adapters.keys import load_signing_keys

async def main():
    await open_database(database_url_for("users", os.environ), "subgraphs.users.adapters.orm")
    try:
        key = (await load_signing_keys())[0]
        print(key.kid)
        print(key.private_pem)
    finally:
        await close_database()

asyncio.run(main())
"""


def _signing_key(stack: Stack) -> tuple[str, rsa.RSAPrivateKey]:
    """The users service's current key, read from its database as an insider could."""
    out = subprocess.run([sys.executable, "-c", _KEY_SCRIPT], env=stack.env, check=True,
                         capture_output=True, text=True).stdout
    kid, pem = out.split("\n", 1)
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return kid, key


def _codes(result: dict) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


def _hs256(secret: bytes, header: dict[str, str], claims: dict[str, object]) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (b64(json.dumps({"alg": "HS256", "typ": "JWT", **header}).encode()) + "."
                     + b64(json.dumps(claims).encode()))
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_the_router_refuses_forged_and_stale_tokens(router: Router, stack: Stack) -> None:
    kid, key = _signing_key(stack)
    user_id = router.execute(ME, token=router.login(MovieLens().users[0].email))["data"]["me"]["id"]
    now = int(time.time())

    def claims(**overrides: object) -> dict[str, object]:
        return {"iss": "media-gateway", "aud": "media-gateway", "sub": user_id,
                "scope": "read:watchlist", "iat": now, "exp": now + 300,
                "jti": uuid.uuid4().hex, **overrides}

    good = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": kid})
    assert router.execute(ME, token=good)["data"]["me"]["id"] == user_id
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = {
        "alg none": jwt.encode(claims(), None, algorithm="none", headers={"kid": kid}),
        "HS256 with the public key": _hs256(public_pem, {"kid": kid}, claims()),
        "unknown kid": jwt.encode(claims(), stranger, algorithm="RS256",
                                  headers={"kid": "no-such-key"}),
        "another key, our kid": jwt.encode(claims(), stranger, algorithm="RS256",
                                           headers={"kid": kid}),
        "expired": jwt.encode(claims(iat=now - 7200, exp=now - 3600), key, algorithm="RS256",
                              headers={"kid": kid}),
        "wrong issuer": jwt.encode(claims(iss="evil"), key, algorithm="RS256",
                                   headers={"kid": kid}),
        "wrong audience": jwt.encode(claims(aud="another-api"), key, algorithm="RS256",
                                     headers={"kid": kid}),
    }
    for name, token in forged.items():
        result = router.execute(ME, token=token)
        assert _codes(result) == ["UNAUTHENTICATED"], (name, result)
        assert not (result.get("data") or {}).get("me"), name


async def test_device_flow_tokens_carry_only_their_scopes(router: Router, stack: Stack) -> None:
    # An account no other test signs in as: this one's watchlist changes.
    user = MovieLens().users[-2]
    base = stack.oauth_url
    title_id = str(uuid.uuid4())
    async with AsyncOAuth2Client(client_id=DEMO_TV_CLIENT,
                                 token_endpoint_auth_method="none") as tv:
        tokens = {}
        for scope in ("read:watchlist", "read:watchlist write:watchlist playback:control"):
            started = await start_on_tv(base, DEMO_TV_CLIENT, scope)
            await approve_in_browser(base, started["user_code"], user.email)
            token = await tv.fetch_token(f"{base}/oauth/token", grant_type=DEVICE_CODE_GRANT,
                                         device_code=started["device_code"])
            tokens[scope] = token["access_token"]

    read_only = tokens["read:watchlist"]
    assert router.execute(ME, token=read_only)["data"]["me"]["id"]
    assert _codes(router.execute(ADD, {"t": title_id}, token=read_only)) == ["FORBIDDEN"]
    assert _codes(router.execute(SEND, {"d": str(uuid.uuid4())}, token=read_only)) == [
        "FORBIDDEN"]
    full = tokens["read:watchlist write:watchlist playback:control"]
    assert "FORBIDDEN" not in _codes(router.execute(ADD, {"t": title_id}, token=full))
    # Past the scope check: the device simply does not exist.
    assert "FORBIDDEN" not in _codes(router.execute(SEND, {"d": str(uuid.uuid4())}, token=full))
    # Each TV that signed in became one of the user's devices (playback, from users' event),
    # reachable by the remote control the full token allows.
    devices_query = "{ me { devices { id name kind capabilities { remoteControllable } } } }"
    deadline = time.monotonic() + 20
    while True:
        devices = router.execute(devices_query, token=full)["data"]["me"]["devices"]
        tvs = [d for d in devices if d["name"] == "Media Gateway TV app"]
        if len(tvs) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(tvs) == 2, devices
    assert all(d["kind"] == "TV" and d["capabilities"]["remoteControllable"] for d in tvs)
    assert "FORBIDDEN" not in _codes(router.execute(SEND, {"d": tvs[0]["id"]}, token=full))


CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(input: {currentPassword: $c, newPassword: $n}) { accessToken } }"""


async def test_the_router_refuses_revoked_and_signed_out_tokens(
    router: Router, stack: Stack
) -> None:
    # An account of its own: its password changes.
    user = MovieLens().users[-3]
    base = stack.oauth_url
    async with AsyncOAuth2Client(client_id=DEMO_TV_CLIENT,
                                 token_endpoint_auth_method="none") as tv:
        started = await start_on_tv(base, DEMO_TV_CLIENT, "profile")
        await approve_in_browser(base, started["user_code"], user.email)
        tv_token = await tv.fetch_token(f"{base}/oauth/token", grant_type=DEVICE_CODE_GRANT,
                                        device_code=started["device_code"])
        assert router.execute(ME, token=tv_token["access_token"])["data"]["me"]["id"]
        # RFC 7009: the revoked access token stops working at the router, not just at renewal.
        revoked = await tv.revoke_token(f"{base}/oauth/revoke", token=tv_token["access_token"],
                                        token_type_hint="access_token")
        assert revoked.status_code == 200
    time.sleep(1.1)  # the router remembers an answer for up to a second
    refused = router.execute(ME, token=tv_token["access_token"])
    assert _codes(refused) == ["UNAUTHENTICATED"], refused
    assert "revoked" in refused["errors"][0]["message"]

    # A password change signs out every session, the one it was made from included.
    old = router.login(user.email)
    assert router.execute(ME, token=old)["data"]["me"]["id"]
    changed = router.execute(CHANGE, {"c": DEMO_PASSWORD, "n": "another-long-passphrase"},
                             token=old)
    assert "errors" not in changed, changed
    new = changed["data"]["changePassword"]["accessToken"]
    time.sleep(1.1)
    assert _codes(router.execute(ME, token=old)) == ["UNAUTHENTICATED"]
    fresh = router.execute(ME, token=new)
    assert "errors" not in fresh and fresh["data"]["me"]["id"], fresh
    # Subscriptions are checked too: a signed-out token cannot open one.
    answer = await _first_subscription_answer(router.url.replace("http", "ws", 1), old)
    assert answer["type"] in ("error", "next"), answer
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], answer


async def _first_subscription_answer(ws_url: str, token: str) -> dict:
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($d: ID!) { deviceEvents(deviceId: $d) { __typename } }",
            "variables": {"d": str(uuid.uuid4())}}}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 15))
            if message["type"] != "ping":
                return message
            await socket.send(json.dumps({"type": "pong"}))


async def test_a_subscription_open_before_a_sign_out_ends_within_seconds(
    router: Router, stack: Stack
) -> None:
    user = MovieLens().users[-6]  # its password changes
    token = router.login(user.email)
    device = router.execute(
        "mutation { registerDevice(input: {name: \"Tablet\", kind: TABLET}) { id } }",
        token=token)
    assert "errors" not in device, device
    device_id = device["data"]["registerDevice"]["id"]
    async with connect(router.url.replace("http", "ws", 1),
                       subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($d: ID!) { deviceEvents(deviceId: $d) { kind } }",
            "variables": {"d": device_id}}}))
        await asyncio.sleep(1)  # subscribed upstream
        changed = router.execute(CHANGE, {"c": DEMO_PASSWORD, "n": "yet-another-passphrase"},
                                 token=token)
        assert "errors" not in changed, changed
        started = time.monotonic()
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 20))
            if message["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] in ("error", "next", "complete"):
                break
        assert message["type"] in ("error", "next"), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], message
        assert "revoked" in errors[0]["message"]
        assert time.monotonic() - started < 10  # the watch looks every 5 s

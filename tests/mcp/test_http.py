"""Over streamable HTTP, as a hosted agent reaches it: each request's bearer token is the
caller's, passed through to the router; the response cache keeps callers apart."""

from __future__ import annotations

import subprocess
import sys

import httpx
import jwt

from mediagateway.stack import ROOT, Stack
from tests.mcp.conftest import Router, error_of, http_client, http_server, structured

SEARCH = {"query": "90s comedy", "limit": 5, "explain": True}
REGISTER_TV = """mutation { registerDevice(input: {name: "MCP test TV", kind: TV,
  capabilities: {remoteControllable: true, maxResolution: UHD}}) { id } }"""
HEARTBEAT = "mutation($d: ID!) { heartbeat(deviceId: $d) { id online } }"


def _schemas(tools: list) -> dict:
    return {tool.name: tool.output_schema for tool in tools}


def _minted(stack: Stack, user_id: str, *scopes: str) -> str:
    command = [sys.executable, "-m", "tests.mcp.mint_token", user_id, *scopes]
    return subprocess.run(command, cwd=ROOT, env=stack.env, check=True, capture_output=True,
                          text=True).stdout.strip()


def _with_claims(token: str, **claims: object) -> str:
    """The same token with its claims changed; its signature no longer matches them."""
    payload = {**jwt.decode(token, options={"verify_signature": False}), **claims}
    return jwt.encode(payload, "not-the-key-the-users-service-signs-with", algorithm="HS256")


async def test_anonymous_search_and_a_cache_that_never_crosses_callers(
    mcp_http: str, router: Router
) -> None:
    alice = router.login("user2@demo.mediagateway.dev")
    bob = router.login("user3@demo.mediagateway.dev")
    async with http_client(mcp_http) as anonymous:
        schemas = _schemas((await anonymous.list_tools()).tools)
        first = await anonymous.call_tool("semantic_search", SEARCH)
        assert structured(first, schemas["semantic_search"])["results"]
        assert first.meta["mediagateway/cache"] == "miss"
        again = await anonymous.call_tool("semantic_search", SEARCH)
        assert again.meta["mediagateway/cache"] == "hit"
        assert again.structured_content == first.structured_content
    async with http_client(mcp_http, alice) as as_alice:
        mine = await as_alice.call_tool("semantic_search", SEARCH)
        assert mine.meta["mediagateway/cache"] == "miss"  # not the anonymous answer
        assert (await as_alice.call_tool("semantic_search", SEARCH)).meta[
            "mediagateway/cache"] == "hit"
    async with http_client(mcp_http, bob) as as_bob:
        his = await as_bob.call_tool("semantic_search", SEARCH)
        assert his.meta["mediagateway/cache"] == "miss"  # not Alice's answer
        assert structured(his, schemas["semantic_search"])["results"]


async def test_playback_needs_a_signed_in_user_with_the_scope(
    mcp_http: str, router: Router, stack: Stack
) -> None:
    token = router.login("user4@demo.mediagateway.dev")
    user_id = router.execute("{ me { id } }", token=token)["data"]["me"]["id"]
    device = router.execute(REGISTER_TV, token=token)["data"]["registerDevice"]["id"]
    assert "errors" not in router.execute(HEARTBEAT, {"d": device}, token=token)
    async with http_client(mcp_http) as anonymous:
        found = await anonymous.call_tool("semantic_search", {"query": "toy story", "limit": 1})
        title = found.structured_content["results"][0]["title"]["id"]
        play = {"titleId": title, "deviceId": device, "startPosition": 60}
        refused = error_of(await anonymous.call_tool("initiate_playback", play))
        assert refused["code"] == "UNAUTHENTICATED"
        assert error_of(await anonymous.call_tool("list_devices", {}))["code"] == (
            "UNAUTHENTICATED")
    # A genuine token of the users service, without the scope: the router accepts it, and
    # search works with it, but playback is refused.
    unscoped_token = _minted(stack, user_id, "read:watchlist", "read:history")
    async with http_client(mcp_http, unscoped_token) as unscoped:
        assert not (await unscoped.call_tool("semantic_search", {"query": "heat"})).is_error
        for name, arguments in (("initiate_playback", play), ("list_devices", {})):
            refused = error_of(await unscoped.call_tool(name, arguments))
            assert refused["code"] == "FORBIDDEN" and "playback:control" in refused["message"]
    # Claiming the scope in a token the users service did not sign: the router refuses it.
    async with http_client(mcp_http, _with_claims(token, scope="playback:control")) as forged:
        refused = error_of(await forged.call_tool("initiate_playback", play))
        assert refused["code"] == "UNAUTHENTICATED", refused
    async with http_client(mcp_http, token) as signed_in:
        schemas = _schemas((await signed_in.list_tools()).tools)
        devices = structured(await signed_in.call_tool("list_devices", {}),
                             schemas["list_devices"])
        assert device in {d["id"] for d in devices["devices"]}
        wrong = error_of(await signed_in.call_tool(
            "initiate_playback", {**play, "platform": "no-such-platform"}))
        assert wrong["code"] == "NOT_AVAILABLE"
        started = structured(await signed_in.call_tool("initiate_playback", play),
                             schemas["initiate_playback"])
        assert started["device"]["id"] == device and started["titleId"] == title
        assert started["positionSeconds"] == 60 and started["state"] == "PLAYING"
        # The online TV was told to load the title, at that position.
        assert started["commandId"]
    command = router.execute(
        "mutation($id: ID!) { acknowledgeCommand(id: $id) { kind positionSeconds status"
        " targetDevice { id } } }", {"id": started["commandId"]}, token=token)
    assert command["data"]["acknowledgeCommand"] == {
        "kind": "LOAD", "positionSeconds": 60, "status": "ACKNOWLEDGED",
        "targetDevice": {"id": device}}, command
    sessions = router.execute("{ me { playbackSessions(first: 1) { edges { node { id } } } } }",
                              token=token)["data"]["me"]["playbackSessions"]["edges"]
    assert sessions[0]["node"]["id"] == started["sessionId"]


async def test_with_an_authorization_server_requests_need_a_token_the_router_accepts(
    stack: Stack, router: Router
) -> None:
    issuer = stack.subgraph_url("users").removesuffix("/graphql")
    token = router.login("user4@demo.mediagateway.dev")
    with http_server(stack, MG_MCP_AUTH_ISSUER=issuer) as url:
        # The users service describes itself as the authorization server.
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        assert discovery["authorization_endpoint"] and discovery["token_endpoint"]
        anonymous = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                               timeout=10)
        assert anonymous.status_code == 401
        challenge = anonymous.headers["www-authenticate"]
        assert "resource_metadata=" in challenge, challenge
        base, _, path = url.rpartition("/")
        metadata = httpx.get(f"{base}/.well-known/oauth-protected-resource/{path}",
                             timeout=10).json()
        assert metadata["resource"] == url
        assert [server.rstrip("/") for server in metadata["authorization_servers"]] == [issuer]
        forged = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                            headers={"authorization": f"Bearer {_with_claims(token)}"},
                            timeout=10)
        assert forged.status_code == 401
        async with http_client(url, token) as signed_in:
            assert not (await signed_in.call_tool("get_genres", {})).is_error

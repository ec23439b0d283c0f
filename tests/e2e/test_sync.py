"""Device sync through the real router: gql and graphql-ws over websockets, and SSE."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from mediagateway.redis_server import free_port
from mediagateway.registry import SUBGRAPHS
from mediagateway.stack import ROOT, ROUTER_DIR, Stack, _wait_until_up
from subgraphs.playback.sync.domain.doc import SyncDoc
from tests.support.stack import Router

ADD = """mutation($d: ID!, $t: ID!) { syncAddToWatchlist(deviceId: $d, titleId: $t) {
  events { kind titleId } } }"""
SUBSCRIBE = """subscription($sv: String) { syncUpdates(stateVector: $sv) {
  update stateVector catchUp originDeviceId events { kind titleId } } }"""
WATCHLIST = {"WATCHLIST_ADDED", "WATCHLIST_REMOVED"}


def _ws_url(stack: Stack) -> str:
    return stack.router_url.replace("http://", "ws://")


def _watchlist_titles(message: dict[str, Any]) -> list[str]:
    return [e["titleId"] for e in message["events"] if e["kind"] in WATCHLIST]


REGISTER = """mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }"""
TITLES = "{ titles(first: 100) { edges { node { id } } } }"
_PHONES: dict[str, str] = {}


def _phone(router: Router, token: str) -> str:
    """The user's registered phone (sync takes changes from registered devices only)."""
    if token not in _PHONES:
        result = router.execute(REGISTER, {"input": {
            "name": "Phone", "kind": "PHONE", "capabilities": {"maxResolution": "HD"}}},
            token=token)
        assert "errors" not in result, result
        _PHONES[token] = result["data"]["registerDevice"]["id"]
    return _PHONES[token]


def _titles(router: Router, token: str, count: int) -> list[str]:
    """Catalog titles not on the user's watchlist yet (adding one is then a change)."""
    result = router.execute(TITLES)
    assert "errors" not in result, result
    listed = _users_watchlist(router, token)
    ids = [edge["node"]["id"] for edge in result["data"]["titles"]["edges"]]
    return random.sample([title for title in ids if title not in listed], count)


def _add(router: Router, token: str, title: str) -> None:
    phone = _phone(router, token)
    for _ in range(100):  # playback's projection of the catalog may lag a fresh stack's seed
        result = router.execute(ADD, {"d": phone, "t": title}, token=token)
        errors = result.get("errors") or [{}]
        if errors[0].get("extensions", {}).get("reason") != "UNKNOWN_TITLE":
            break
        time.sleep(0.1)
    assert "errors" not in result, result


def _transport(stack: Stack, token: str) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=_ws_url(stack),
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )


async def _until(stream: Any, title: str) -> tuple[dict[str, Any], list[bytes]]:
    """Messages until one names `title`; returns it and every update seen on the way."""
    updates = []
    async for result in stream:
        message = result["syncUpdates"]
        updates.append(base64.b64decode(message["update"]))
        if title in _watchlist_titles(message):
            return message, updates
    raise AssertionError("the subscription ended early")


def test_phone_change_reaches_tv_and_reconnect_resumes_from_state_vector(
    stack: Stack, router: Router
) -> None:
    token = router.login("user21@demo.mediagateway.dev")
    first, second, third = _titles(router, token, 3)
    phone = _phone(router, token)
    tv = SyncDoc()

    async def live() -> None:
        async with Client(transport=_transport(stack, token)) as session:
            stream = session.subscribe(gql(SUBSCRIBE))
            hello = (await anext(stream))["syncUpdates"]
            assert hello["catchUp"]
            tv.apply(base64.b64decode(hello["update"]))
            await asyncio.to_thread(_add, router, token, first)
            message, updates = await _until(stream, first)
            assert message["originDeviceId"] == phone and not message["catchUp"]
            for update in updates:
                tv.apply(update)

    asyncio.run(live())
    assert first in tv.view().watchlist
    # Away: the phone adds two more titles.
    _add(router, token, second)
    _add(router, token, third)

    async def resume() -> dict[str, Any]:
        async with Client(transport=_transport(stack, token)) as session:
            state_vector = base64.b64encode(tv.state_vector()).decode()
            request = gql(SUBSCRIBE)
            request.variable_values = {"sv": state_vector}
            stream = session.subscribe(request)
            return (await anext(stream))["syncUpdates"]

    caught_up = asyncio.run(resume())
    assert caught_up["catchUp"]
    # Exactly what was missed: the two new titles, not the one already seen.
    assert sorted(_watchlist_titles(caught_up)) == sorted([second, third])
    tv.apply(base64.b64decode(caught_up["update"]))
    assert {first, second, third} <= tv.view().watchlist


def test_graphql_ws_client_sees_the_phone_change(stack: Stack, router: Router) -> None:
    token = router.login("user22@demo.mediagateway.dev")
    (title,) = _titles(router, token, 1)
    script = Path(__file__).with_name("sync_client.mjs")
    process = subprocess.Popen(
        ["node", str(script), _ws_url(stack), token], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "ROUTER_DIR": str(ROUTER_DIR)},
    )
    try:
        assert process.stdout is not None
        hello = json.loads(process.stdout.readline())
        assert hello["data"]["syncUpdates"]["catchUp"], hello
        _add(router, token, title)
        for line in process.stdout:
            message = json.loads(line)
            assert "error" not in message, message
            if title in _watchlist_titles(message["data"]["syncUpdates"]):
                assert message["data"]["syncUpdates"]["originDeviceId"] == _phone(router, token)
                break
        else:
            raise AssertionError("graphql-ws client never saw the change")
    finally:
        process.kill()
        process.wait()


def test_sync_updates_over_sse_through_the_router(stack: Stack, router: Router) -> None:
    token = router.login("user23@demo.mediagateway.dev")
    (title,) = _titles(router, token, 1)
    headers = {"authorization": f"Bearer {token}", "accept": "text/event-stream"}
    with httpx.Client(timeout=30) as http, http.stream(
        "POST", stack.router_url, json={"query": SUBSCRIBE}, headers=headers
    ) as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        messages = (json.loads(line[5:]) for line in lines if line.startswith("data:"))
        hello = next(messages)
        assert hello["data"]["syncUpdates"]["catchUp"], hello
        _add(router, token, title)
        for message in messages:
            if title in _watchlist_titles(message["data"]["syncUpdates"]):
                break


def test_anonymous_socket_gets_nothing(stack: Stack) -> None:
    async def attempt() -> None:
        transport = WebsocketsTransport(
            url=_ws_url(stack), subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
        )
        async with Client(transport=transport) as session:
            async for _ in session.subscribe(gql(SUBSCRIBE)):
                raise AssertionError("an anonymous socket received sync data")

    with pytest.raises(TransportQueryError) as refused:
        asyncio.run(attempt())
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


WATCHLIST_OF_ME = "{ me { watchlist(first: 100) { edges { node { title { id } } } } } }"
USERS_ADD = "mutation($t: ID!) { addToWatchlist(titleId: $t) { addedAt } }"


def _users_watchlist(router: Router, token: str) -> set[str]:
    result = router.execute(WATCHLIST_OF_ME, token=token)
    assert "errors" not in result, result
    return {edge["node"]["title"]["id"] for edge in result["data"]["me"]["watchlist"]["edges"]}


def test_users_and_sync_stay_in_step_both_ways(stack: Stack, router: Router) -> None:
    token = router.login("user24@demo.mediagateway.dev")
    from_device, from_users = _titles(router, token, 2)

    async def scenario() -> dict[str, Any]:
        async with Client(transport=_transport(stack, token)) as session:
            stream = session.subscribe(gql(SUBSCRIBE))
            await anext(stream)
            # A device adds through sync: the users subgraph, the owner, records it.
            await asyncio.to_thread(_add, router, token, from_device)
            await _until(stream, from_device)
            for _ in range(200):
                if from_device in await asyncio.to_thread(_users_watchlist, router, token):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the users subgraph never took the device's add")
            # The users subgraph's own mutation reaches the devices' sync stream.
            result = await asyncio.to_thread(
                router.execute, USERS_ADD, {"t": from_users}, token
            )
            assert "errors" not in result, result
            message, _ = await _until(stream, from_users)
            return message

    message = asyncio.run(scenario())
    assert message["originDeviceId"] == "users"
    # No echo: each change was recorded once on each side.
    titles = _users_watchlist(router, token)
    assert {from_device, from_users} <= titles


@pytest.fixture(scope="module")
def second_replica(stack: Stack) -> Iterator[str]:
    """A second playback process on the same database and Redis, behind its own router."""
    playback_port, router_port = free_port(), free_port()
    env = {**stack.env, "PLAYBACK_URL": f"http://127.0.0.1:{playback_port}/graphql",
           "ROUTER_PORT": str(router_port)}
    for name in ("HOST", "PORT"):
        env.pop(name, None)
    processes = [subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", SUBGRAPHS["playback"].app,
         "--host", "127.0.0.1", "--port", str(playback_port), "--log-level", "warning",
         "--ws", "websockets-sansio"], cwd=ROOT, env=env,
    )]
    try:
        _wait_until_up(f"http://127.0.0.1:{playback_port}/health", "playback 2")
        processes.append(subprocess.Popen(
            [str(ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway"), "supergraph",
             "--config-path", "gateway.config.ts"], cwd=ROUTER_DIR, env=env,
        ))
        _wait_until_up(f"http://127.0.0.1:{router_port}/healthcheck", "router 2", 60)
        yield f"http://127.0.0.1:{router_port}/graphql"
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # the gateway at times outlives SIGTERM
                process.kill()
                process.wait(timeout=10)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="replicas share a PostgreSQL database; SQLite is one process's (scripts/test runs both)",
)
def test_a_change_through_one_replica_reaches_a_socket_on_the_other(
    stack: Stack, router: Router, second_replica: str
) -> None:
    token = router.login("user25@demo.mediagateway.dev")
    (title,) = _titles(router, token, 1)
    transport = WebsocketsTransport(
        url=second_replica.replace("http://", "ws://"),
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )

    async def scenario() -> dict[str, Any]:
        async with Client(transport=transport) as session:
            stream = session.subscribe(gql(SUBSCRIBE))
            await anext(stream)
            # Written through the first router, hence the first playback process.
            await asyncio.to_thread(_add, router, token, title)
            message, _ = await _until(stream, title)
            return message

    assert asyncio.run(scenario())["originDeviceId"] == _phone(router, token)

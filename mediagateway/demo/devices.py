"""A device of a demo user, through the real router: HTTP for mutations, a websocket for events.

For the end-to-end tests and the benchmarks alike (neither imports the other)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import redis
from websockets.asyncio.client import ClientConnection, connect

__all__ = [
    "DEVICE_EVENTS",
    "RouterDevice",
    "device_events",
    "gql",
    "wait_for_consumers",
    "wait_for_listener",
]

DEVICE_EVENTS = """
subscription($d: ID!) { deviceEvents(deviceId: $d) {
  kind deviceId command { id kind status positionSeconds sessionId senderDevice { id } } } }
"""
REGISTER = """
mutation($n: String!, $k: DeviceKind!, $r: Boolean!) {
  registerDevice(input: {name: $n, kind: $k, capabilities: {maxResolution: UHD,
    hdrFormats: ["HDR10"], remoteControllable: $r, canCast: $r}}) { id } }
"""
HEARTBEAT = "mutation($d: ID!) { heartbeat(deviceId: $d) { id online } }"


async def gql(http: httpx.AsyncClient, url: str, token: str, query: str,
              variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await http.post(url, json={"query": query, "variables": variables or {}},
                               headers={"authorization": f"Bearer {token}"})
    return response.json()


class RouterDevice:
    """A registered, heartbeating device of the signed-in user."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str, device_id: str) -> None:
        self.http, self.url, self.token, self.id = http, url, token, device_id

    @classmethod
    async def register(cls, http: httpx.AsyncClient, url: str, token: str, name: str,
                       kind: str = "TV", remote: bool = True) -> RouterDevice:
        result = await gql(http, url, token, REGISTER, {"n": name, "k": kind, "r": remote})
        assert "errors" not in result, result
        device = cls(http, url, token, result["data"]["registerDevice"]["id"])
        beat = await device.execute(HEARTBEAT, {"d": device.id})
        assert beat["data"]["heartbeat"]["online"] is True, beat
        return device

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        return await gql(self.http, self.url, self.token, query, variables)


def wait_for_listener(redis_url: str, user_id: str, timeout: float = 15.0) -> None:
    """Until a playback process listens on the user's device channel (subscription is live)."""
    client = redis.Redis.from_url(redis_url)
    channel = f"playback:devices:{user_id}"
    deadline = time.monotonic() + timeout
    try:
        while int(dict(client.pubsub_numsub(channel))[channel.encode()]) == 0:
            assert time.monotonic() < deadline, "the subscription never reached playback"
            time.sleep(0.02)
    finally:
        client.close()


def wait_for_consumers(redis_url: str, timeout: float = 1_200.0, quiet: float = 30.0) -> float:
    """Until every consumer group has handled its stream, or none has moved for `quiet` seconds.

    Commands live 5 seconds: on a stack still digesting 100,000 seeded events, delivery on a
    2-core machine can take longer than that. A group that stops moving no longer loads the
    system, so it ends the wait too (and is printed). Returns the seconds waited.
    """
    client = redis.Redis.from_url(redis_url)
    started = time.monotonic()
    positions: dict[str, bytes] = {}
    moved = started
    try:
        while True:
            behind, now_at = [], {}
            for stream in client.scan_iter(_type="stream"):
                last = client.xrevrange(stream, count=1)
                for group in client.xinfo_groups(stream):
                    name = f"{stream.decode()}/{group['name'].decode()}"
                    now_at[name] = group["last-delivered-id"]
                    # Redis 6.2 (the embedded one) has no `lag`: compare the last delivered id.
                    if (last and group["last-delivered-id"] != last[0][0]) or group["pending"]:
                        behind.append(name)
            if not behind:
                return time.monotonic() - started
            if now_at != positions:
                positions, moved = now_at, time.monotonic()
            elif time.monotonic() - moved > quiet:
                print(f"consumers behind but not moving for {quiet:.0f} s: {behind}")
                return time.monotonic() - started
            assert time.monotonic() - started < timeout, f"consumers still behind: {behind}"
            time.sleep(0.5)
    finally:
        client.close()


class EventSocket:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def next(self, timeout: float = 15.0) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            return message["payload"]["data"]["deviceEvents"]


@asynccontextmanager
async def device_events(ws_url: str, token: str, device_id: str) -> AsyncIterator[EventSocket]:
    """graphql-transport-ws through the router; the token goes in connection_init."""
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {token}"}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(json.dumps({"id": str(uuid.uuid4()), "type": "subscribe", "payload": {
            "query": DEVICE_EVENTS, "variables": {"d": device_id}}}))
        yield EventSocket(socket)

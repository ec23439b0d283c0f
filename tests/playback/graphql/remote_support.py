"""Helpers for the remote-control tests: devices, device-event sockets, projected facts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis import Redis
from starlette.testclient import WebSocketTestSession

from subgraphs.common.events import Event
from subgraphs.playback.facts.consumers import GROUP
from tests.support.inprocess import SubgraphClient

__all__ = [
    "DEVICE_EVENTS",
    "device",
    "device_events",
    "next_event",
    "publish",
    "wait_for_projections",
]

REGISTER = """
mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }
"""
DEVICE_EVENTS = """
subscription($d: ID!) { deviceEvents(deviceId: $d) {
  kind deviceId device { id name } command { id kind status positionSeconds sessionId title { id }
                          senderDevice { id } targetDevice { id } } } }
"""


def device(client: SubgraphClient, user: uuid.UUID, name: str, kind: str = "TV",
           remote: bool = True, cast: bool = False, resolution: str = "UHD") -> str:
    result = client.execute(REGISTER, {"input": {
        "name": name, "kind": kind,
        "capabilities": {"maxResolution": resolution, "remoteControllable": remote,
                         "canCast": cast, "hdrFormats": ["HDR10"] if resolution == "UHD" else []},
    }}, user_id=user)
    assert "errors" not in result, result
    return result["data"]["registerDevice"]["id"]


def _subscribers(redis: Redis, channel: str) -> int:
    return int(dict(redis.pubsub_numsub(channel))[channel.encode()])


@contextmanager
def device_events(
    client: SubgraphClient, redis: Redis, user: uuid.UUID, device_id: str,
    query: str = DEVICE_EVENTS, variables: dict[str, Any] | None = None,
) -> Iterator[WebSocketTestSession]:
    """A socket subscribed to the device's events, listening on Redis before it is returned."""
    channel = f"playback:devices:{user}"
    before = _subscribers(redis, channel)
    with client.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=client.headers_for(user)
    ) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {
            "query": query, "variables": variables or {"d": device_id}}})
        deadline = time.monotonic() + 10
        # One Redis subscription per process and user: wait for the first one only.
        while before == 0 and _subscribers(redis, channel) == 0:
            assert time.monotonic() < deadline, "the subscription never reached Redis"
            time.sleep(0.02)
        yield socket


def next_event(socket: WebSocketTestSession, field: str = "deviceEvents") -> dict[str, Any]:
    message = socket.receive_json()
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


def publish(redis: Redis, stream: str, payload: dict[str, Any]) -> None:
    event = Event(type=stream, payload=payload)
    redis.xadd(stream, event.encode())


def wait_for_projections(redis: Redis, streams: list[str], timeout: float = 20.0) -> None:
    """Until playback's consumer group has handled everything on `streams`."""
    deadline = time.monotonic() + timeout
    while not all(_caught_up(redis, stream) for stream in streams):
        assert time.monotonic() < deadline, f"playback did not catch up with {streams}"
        time.sleep(0.05)


def _caught_up(redis: Redis, stream: str) -> bool:
    # Redis 6.2 (the embedded one) has no `lag`: compare the last delivered id instead.
    last = redis.xrevrange(stream, count=1)
    if not last:
        return True
    for group in redis.xinfo_groups(stream):
        name = group["name"].decode() if isinstance(group["name"], bytes) else group["name"]
        if name == GROUP:
            delivered = group["last-delivered-id"]
            return delivered == last[0][0] and group["pending"] == 0
    return False

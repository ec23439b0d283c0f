"""`playbackUpdates` over graphql-transport-ws, as the router's websocket path uses it."""

from __future__ import annotations

import json
import time
import uuid

from redis import Redis

from subgraphs.common.events import Event
from tests.playback.graphql.conftest import register, start
from tests.support.inprocess import SubgraphClient

SUBSCRIBE = "subscription { playbackUpdates { id positionSeconds state device { name } } }"


def _subscribers(redis: Redis, channel: str) -> int:
    return int(dict(redis.pubsub_numsub(channel))[channel.encode()])


def _wait_subscribers(redis: Redis, channel: str, count: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while _subscribers(redis, channel) != count:
        assert time.monotonic() < deadline, f"{channel} never had {count} subscribers"
        time.sleep(0.02)


def test_subscriber_receives_its_own_playback_updates(
    playback: SubgraphClient, redis_url: str
) -> None:
    user = uuid.uuid4()
    channel = f"playback:user:{user}"
    redis = Redis.from_url(redis_url)
    device_id = register(playback, user, "Living room TV")["data"]["registerDevice"]["id"]
    stream_length = redis.xlen("playback.updated") if redis.exists("playback.updated") else 0

    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=playback.headers_for(user)
    ) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        _wait_subscribers(redis, channel, 1)

        session = start(playback, user, device_id, position=42)["data"]["startPlayback"]
        message = socket.receive_json()
        assert message["type"] == "next" and message["id"] == "1"
        update = message["payload"]["data"]["playbackUpdates"]
        assert update == {"id": session["id"], "positionSeconds": 42, "state": "PLAYING",
                          "device": {"name": "Living room TV"}}

        socket.send_json({"id": "1", "type": "complete"})
        # The subscription lets go of its Redis channel when the client stops listening.
        _wait_subscribers(redis, channel, 0)

    # The same update went to the stream other subgraphs consume.
    assert redis.xlen("playback.updated") == stream_length + 1
    _, fields = redis.xrevrange("playback.updated", count=1)[0]
    payload = Event.decode(fields).payload
    assert payload["session_id"] == session["id"]
    assert payload["user_id"] == str(user)
    assert json.dumps(payload)  # plain JSON, as on the pub/sub channel
    redis.close()


def test_anonymous_subscription_is_refused(playback: SubgraphClient) -> None:
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        message = socket.receive_json()
        assert message["type"] in ("error", "next")
        errors = message["payload"] if message["type"] == "error" else message["payload"][
            "errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

"""Every playback subscription holds one of the user's slots (a configured limit that names
itself) and ends when the token it was opened with expires."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import WebSocketTestSession

from subgraphs.common.auth import CLAIMS_HEADER, encode_claims
from subgraphs.playback.settings import Settings
from tests.playback.graphql.remote_support import device
from tests.support.inprocess import SECRET, SubgraphClient, run_subgraph

LIMIT = 3
PLAYBACK = "subscription { playbackUpdates { id } }"
DEVICE = "subscription($d: ID!) { deviceEvents(deviceId: $d) { kind } }"
AVAILABILITY = "subscription { watchlistAvailability { title { id } } }"
SYNC = "subscription { syncUpdates { catchUp } }"


@pytest.fixture
def limited(database_url: str, redis_url: str) -> Iterator[SubgraphClient]:
    settings = Settings(name="playback", database_url=database_url, redis_url=redis_url,
                        router_secret=SECRET, max_subscriptions_per_user=LIMIT)
    with run_subgraph("playback", database_url, redis_url, settings) as client:
        yield client


def _open(socket: WebSocketTestSession) -> None:
    socket.send_json({"type": "connection_init"})
    assert socket.receive_json()["type"] == "connection_ack"


def _subscribe(socket: WebSocketTestSession, op_id: str, query: str,
               variables: dict[str, Any] | None = None) -> None:
    socket.send_json({"id": op_id, "type": "subscribe",
                      "payload": {"query": query, "variables": variables or {}}})


def _errors(message: dict[str, Any]) -> list[dict[str, Any]]:
    assert message["type"] in ("next", "error"), message
    return message["payload"] if message["type"] == "error" else message["payload"]["errors"]


def _ping(socket: WebSocketTestSession) -> None:
    """A round trip: every subscribe sent before it has been taken up."""
    socket.send_json({"type": "ping"})
    while (message := socket.receive_json())["type"] != "pong":
        if message["type"] != "complete":  # the end of an earlier refused one
            assert message["type"] == "next" and "errors" not in message["payload"], message


def test_the_subscription_after_the_limit_is_refused_by_name(limited: SubgraphClient) -> None:
    user = uuid.uuid4()
    tv = device(limited, user, "TV")
    headers = limited.headers_for(user)
    with limited.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as first, limited.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as second:
        _open(first)
        _open(second)
        _subscribe(first, "1", PLAYBACK)
        _subscribe(first, "2", DEVICE, {"d": tv})
        _ping(first)
        _subscribe(second, "3", SYNC)
        assert second.receive_json()["payload"]["data"]["syncUpdates"]["catchUp"]
        # The limit is the user's, across sockets, and says what it is.
        _subscribe(second, "4", AVAILABILITY)
        (error,) = _errors(second.receive_json())
        assert error["extensions"]["code"] == "SUBSCRIPTION_LIMIT"
        assert error["extensions"]["limit"] == str(LIMIT)
        # Ending one frees its slot.
        first.send_json({"id": "1", "type": "complete"})
        _ping(first)
        _subscribe(second, "5", PLAYBACK)
        _ping(second)  # no refusal came before the pong: it was taken
        _subscribe(second, "6", PLAYBACK)
        (error,) = _errors(second.receive_json())
        assert error["extensions"]["code"] == "SUBSCRIPTION_LIMIT"
    # Another user is not counted with this one.
    other = uuid.uuid4()
    with limited.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=limited.headers_for(other)
    ) as socket:
        _open(socket)
        _subscribe(socket, "1", SYNC)
        assert socket.receive_json()["payload"]["data"]["syncUpdates"]["catchUp"]


@pytest.mark.parametrize("query", [PLAYBACK, DEVICE, AVAILABILITY, SYNC])
def test_every_subscription_ends_when_the_token_expires(
    limited: SubgraphClient, query: str
) -> None:
    user = uuid.uuid4()
    tv = device(limited, user, "TV")
    headers = limited.headers_for(user)
    headers[CLAIMS_HEADER] = encode_claims(
        {"sub": str(user), "scope": "playback:control", "exp": int(time.time()) + 2})
    with limited.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as socket:
        _open(socket)
        _subscribe(socket, "1", query, {"d": tv} if "$d" in query else None)
        message = socket.receive_json()
        if query == SYNC:
            assert message["payload"]["data"]["syncUpdates"]["catchUp"]
            message = socket.receive_json()
        # Nothing else happens: the next message is the expiry.
        assert _errors(message)[0]["extensions"]["code"] == "UNAUTHENTICATED"

"""Sync over GraphQL in-process: typed operations, raw updates, refusals, catch-up and live."""

from __future__ import annotations

import base64
import time
import uuid

from subgraphs.common.auth import CLAIMS_HEADER, encode_claims
from subgraphs.playback.domain.hlc import Hlc
from subgraphs.playback.domain.sync import SyncDoc
from tests.support.inprocess import SubgraphClient

ADD = """mutation($d: ID!, $t: ID!) { syncAddToWatchlist(deviceId: $d, titleId: $t) {
  update stateVector events { kind titleId } } }"""
APPLY = """mutation($u: ID!, $d: ID!, $x: String!) { syncApplyUpdate(userId: $u, deviceId: $d,
  update: $x) { update events { kind titleId positionSeconds completed deviceId } } }"""
SUBSCRIBE = """subscription($sv: String) { syncUpdates(stateVector: $sv) {
  update stateVector catchUp originDeviceId events { kind titleId } } }"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _subscribe(socket, state_vector: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    socket.send_json({"type": "connection_init"})
    assert socket.receive_json()["type"] == "connection_ack"
    socket.send_json({"id": "1", "type": "subscribe",
                      "payload": {"query": SUBSCRIBE, "variables": {"sv": state_vector}}})
    message = socket.receive_json()
    assert message["type"] == "next", message
    return message["payload"]["data"]["syncUpdates"]


def test_a_change_on_one_device_reaches_the_other_and_catch_up_resumes(
    playback: SubgraphClient,
) -> None:
    user = uuid.uuid4()
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    headers = playback.headers_for(user)
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as tv:
        hello = _subscribe(tv)
        assert hello["catchUp"] and hello["events"] == []
        added = playback.execute(ADD, {"d": "phone", "t": first}, user_id=user)
        assert added["data"]["syncAddToWatchlist"]["events"] == [
            {"kind": "WATCHLIST_ADDED", "titleId": first}]
        live = tv.receive_json()["payload"]["data"]["syncUpdates"]
        assert live["events"] == [{"kind": "WATCHLIST_ADDED", "titleId": first}]
        assert live["originDeviceId"] == "phone" and not live["catchUp"]
        tv_doc = SyncDoc.from_update(base64.b64decode(live["update"]))
    # The TV is away while the phone adds two more titles.
    playback.execute(ADD, {"d": "phone", "t": second}, user_id=user)
    playback.execute(ADD, {"d": "phone", "t": third}, user_id=user)
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as tv:
        resumed = _subscribe(tv, _b64(tv_doc.state_vector()))
    assert resumed["catchUp"]
    assert sorted(e["titleId"] for e in resumed["events"]) == sorted([second, third])
    tv_doc.apply(base64.b64decode(resumed["update"]))
    assert tv_doc.view().watchlist == {first, second, third}


def test_raw_updates_are_checked_and_bad_ones_change_nothing(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    device = SyncDoc()
    title = str(uuid.uuid4())
    update = device.report_progress(title, 5_800, 6_000, Hlc(1, 0, "tv")).update
    ok = playback.execute(APPLY, {"u": str(user), "d": "tv", "x": _b64(update)}, user_id=user)
    assert ok["data"]["syncApplyUpdate"]["events"] == [{
        "kind": "PROGRESS_CHANGED", "titleId": title, "positionSeconds": 5_800,
        "completed": True, "deviceId": "tv"}]
    again = playback.execute(APPLY, {"u": str(user), "d": "tv", "x": _b64(update)}, user_id=user)
    assert again["data"]["syncApplyUpdate"] == {"update": "", "events": []}

    bad = {
        "junk": (str(user), _b64(b"\x05not an update"), "BAD_USER_INPUT"),
        "base64": (str(user), "%%%", "BAD_USER_INPUT"),
        "too large": (str(user), _b64(bytes(70_000)), "BAD_USER_INPUT"),
        "other user": (str(uuid.uuid4()), _b64(update), "FORBIDDEN"),
    }
    for name, (owner, payload, code) in bad.items():
        result = playback.execute(APPLY, {"u": owner, "d": "tv", "x": payload}, user_id=user)
        assert result["errors"][0]["extensions"]["code"] == code, name
        assert result.get("data") is None, name
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=playback.headers_for(user)
    ) as socket:
        everything = _subscribe(socket)
    doc = SyncDoc.from_update(base64.b64decode(everything["update"]))
    assert set(doc.view().progress) == {title} and doc.view().watchlist == frozenset()


def test_anonymous_sync_subscription_is_refused(playback: SubgraphClient) -> None:
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        message = socket.receive_json()
        errors = message["payload"] if message["type"] == "error" else message["payload"][
            "errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_subscription_ends_when_the_token_expires(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    headers = playback.headers_for(user)
    claims = {"sub": str(user), "scope": "playback:control", "exp": int(time.time()) + 1}
    headers[CLAIMS_HEADER] = encode_claims(claims)
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as socket:
        assert _subscribe(socket)["catchUp"]
        message = socket.receive_json()  # nothing else happens: the next thing is the expiry
    assert message["type"] in ("next", "error"), message
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_socket_sees_only_its_own_users_changes(playback: SubgraphClient) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    alices_title, bobs_title = str(uuid.uuid4()), str(uuid.uuid4())
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=playback.headers_for(bob)
    ) as bobs_tv:
        _subscribe(bobs_tv)
        playback.execute(ADD, {"d": "phone", "t": alices_title}, user_id=alice)
        playback.execute(ADD, {"d": "phone", "t": bobs_title}, user_id=bob)
        # Messages arrive in order: had Alice's change reached Bob, it would come first.
        message = bobs_tv.receive_json()["payload"]["data"]["syncUpdates"]
    assert message["events"] == [{"kind": "WATCHLIST_ADDED", "titleId": bobs_title}]

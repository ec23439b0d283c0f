"""Sync over GraphQL in-process: typed operations, raw updates, refusals, catch-up and live."""

from __future__ import annotations

import base64
import time
import uuid

from pycrdt import merge_updates
from redis import Redis

from subgraphs.common.auth import CLAIMS_HEADER, encode_claims
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.hlc import Hlc
from tests.playback.graphql.remote_support import device, publish, wait_for_projections
from tests.support.inprocess import SubgraphClient

ADD = """mutation($d: ID!, $t: ID!) { syncAddToWatchlist(deviceId: $d, titleId: $t) {
  update stateVector events { kind titleId } } }"""
APPLY = """mutation($u: ID!, $d: ID!, $x: String!) { syncApplyUpdate(userId: $u, deviceId: $d,
  update: $x) { update events { kind titleId positionSeconds completed deviceId } } }"""
SUBSCRIBE = """subscription($sv: String) { syncUpdates(stateVector: $sv) {
  update stateVector catchUp originDeviceId events { kind titleId } } }"""


def catalog(redis: Redis, count: int) -> list[str]:
    """Titles content announced (`title.upserted`), once playback has projected them."""
    titles = [str(uuid.uuid4()) for _ in range(count)]
    for title in titles:
        publish(redis, "title.upserted", {"title_id": title, "title": "A title"})
    wait_for_projections(redis, ["title.upserted"])
    return titles


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
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    first, second, third = catalog(redis, 3)
    phone = device(playback, user, "Phone", kind="PHONE")
    headers = playback.headers_for(user)
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as tv:
        hello = _subscribe(tv)
        assert hello["catchUp"] and hello["events"] == []
        added = playback.execute(ADD, {"d": phone, "t": first}, user_id=user)
        assert added["data"]["syncAddToWatchlist"]["events"] == [
            {"kind": "WATCHLIST_ADDED", "titleId": first}]
        live = tv.receive_json()["payload"]["data"]["syncUpdates"]
        assert live["events"] == [{"kind": "WATCHLIST_ADDED", "titleId": first}]
        assert live["originDeviceId"] == phone and not live["catchUp"]
        tv_doc = SyncDoc.from_update(base64.b64decode(live["update"]))
    # The TV is away while the phone adds two more titles.
    playback.execute(ADD, {"d": phone, "t": second}, user_id=user)
    playback.execute(ADD, {"d": phone, "t": third}, user_id=user)
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as tv:
        resumed = _subscribe(tv, _b64(tv_doc.state_vector()))
    assert resumed["catchUp"]
    assert sorted(e["titleId"] for e in resumed["events"]) == sorted([second, third])
    tv_doc.apply(base64.b64decode(resumed["update"]))
    assert tv_doc.view().watchlist == {first, second, third}


def test_raw_updates_are_checked_and_bad_ones_change_nothing(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    (title,) = catalog(redis, 1)
    doc = SyncDoc()
    now = int(time.time() * 1000)
    update = doc.report_progress(title, 5_800, 6_000, Hlc(now, 0, tv)).update
    ok = playback.execute(APPLY, {"u": str(user), "d": tv, "x": _b64(update)}, user_id=user)
    assert ok["data"]["syncApplyUpdate"]["events"] == [{
        "kind": "PROGRESS_CHANGED", "titleId": title, "positionSeconds": 5_800,
        "completed": True, "deviceId": tv}]
    again = playback.execute(APPLY, {"u": str(user), "d": tv, "x": _b64(update)}, user_id=user)
    assert again["data"]["syncApplyUpdate"] == {"update": "", "events": []}

    other = SyncDoc()
    foreign = other.report_progress(title, 10, 6_000, Hlc(now, 1, "someone")).update
    stranger = device(playback, uuid.uuid4(), "Their TV")  # another user's device
    not_mine = SyncDoc().report_progress(title, 10, 6_000, Hlc(now, 2, stranger)).update
    # After the accepted one: a concurrent write of the same key could lose to it, leaving no
    # trace (Yjs deletes a map entry's losers on arrival), and there is then nothing to refuse.
    far = doc.report_progress(title, 10, 6_000, Hlc(0xFFFFFFFFFFFFF, 0xFFFF, tv)).update
    unlisted = SyncDoc().add_to_watchlist(str(uuid.uuid4()), Hlc(now, 3, tv)).update
    bad = {
        "junk": (str(user), tv, _b64(b"\x05not an update"), "NOT_AN_UPDATE"),
        "base64": (str(user), tv, "%%%", "INVALID_BASE64"),
        "too large": (str(user), tv, _b64(bytes(70_000)), "UPDATE_TOO_LARGE"),
        "other user": (str(uuid.uuid4()), tv, _b64(update), "OTHER_USER"),
        "another device's key": (str(user), tv, _b64(foreign), "NOT_OWNER"),
        "unregistered device": (str(user), "phone", _b64(update), "UNKNOWN_DEVICE"),
        "another user's device": (str(user), stranger, _b64(not_mine), "UNKNOWN_DEVICE"),
        "clock far ahead": (str(user), tv, _b64(far), "CLOCK_DRIFT"),
        "not a catalog title": (str(user), tv, _b64(unlisted), "UNKNOWN_TITLE"),
    }
    for name, (owner, writer, payload, reason) in bad.items():
        result = playback.execute(APPLY, {"u": owner, "d": writer, "x": payload}, user_id=user)
        assert "errors" in result, (name, result)
        (error,) = result["errors"]
        assert error["extensions"]["code"] in ("BAD_USER_INPUT", "FORBIDDEN"), name
        assert error["extensions"]["reason"] == reason, name
        assert "object at" not in error["message"], name
        assert result.get("data") is None, name
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=playback.headers_for(user)
    ) as socket:
        everything = _subscribe(socket)
    doc = SyncDoc.from_update(base64.b64decode(everything["update"]))
    assert set(doc.view().progress) == {title} and doc.view().watchlist == frozenset()
    assert doc.view().progress[title].position_seconds == 5_800


def test_typed_operations_name_registered_devices_and_catalog_titles(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    phone = device(playback, user, "Phone", kind="PHONE")
    (title,) = catalog(redis, 1)
    for variables, field in (({"d": "phone", "t": title}, "deviceId"),
                             ({"d": str(uuid.uuid4()), "t": title}, "deviceId"),
                             ({"d": phone, "t": str(user)}, "titleId"),
                             ({"d": phone, "t": phone}, "titleId")):
        result = playback.execute(ADD, variables, user_id=user)
        (error,) = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == field
    added = playback.execute(ADD, {"d": phone, "t": title}, user_id=user)
    assert added["data"]["syncAddToWatchlist"]["events"] == [
        {"kind": "WATCHLIST_ADDED", "titleId": title}]


def test_a_users_document_has_a_size_quota(playback: SubgraphClient) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    doc, now = SyncDoc(), int(time.time() * 1000)
    results = []
    for n in range(40):  # ~16 KiB a call: the default quota (512 KiB) ends it
        updates = [doc.set_preference(f"note{n}.{m}", "x" * 1_000, Hlc(now, n, tv)).update
                   for m in range(16)]
        result = playback.execute(
            APPLY, {"u": str(user), "d": tv, "x": _b64(merge_updates(*updates))}, user_id=user)
        results.append(result)
        if "errors" in result:
            break
    refused = results[-1]
    assert refused["errors"][0]["extensions"]["reason"] == "QUOTA_EXCEEDED"
    assert 20 < len(results) < 40
    # Refused whole: the server holds what it accepted before, and nothing of the refused call.
    held = SyncDoc.from_update(base64.b64decode(_everything(playback, user)["update"]))
    assert len(held.view().preferences) == 16 * (len(results) - 1)


def _everything(playback: SubgraphClient, user: uuid.UUID) -> dict:
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=playback.headers_for(user)
    ) as socket:
        return _subscribe(socket)


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


def test_a_socket_sees_only_its_own_users_changes(
    playback: SubgraphClient, redis: Redis
) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    alices_title, bobs_title = catalog(redis, 2)
    alices_phone, bobs_phone = device(playback, alice, "Phone"), device(playback, bob, "Phone")
    with playback.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=playback.headers_for(bob)
    ) as bobs_tv:
        _subscribe(bobs_tv)
        playback.execute(ADD, {"d": alices_phone, "t": alices_title}, user_id=alice)
        playback.execute(ADD, {"d": bobs_phone, "t": bobs_title}, user_id=bob)
        # Messages arrive in order: had Alice's change reached Bob, it would come first.
        message = bobs_tv.receive_json()["payload"]["data"]["syncUpdates"]
    assert message["events"] == [{"kind": "WATCHLIST_ADDED", "titleId": bobs_title}]

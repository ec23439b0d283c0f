"""Remote control and hand-off through the real app: commands, acks, refusals, "send to TV"."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis

from subgraphs.playback.remote import resolvers as remote_resolvers
from tests.playback.graphql.remote_support import device, device_events, next_event
from tests.support.inprocess import SubgraphClient

SEND = """
mutation($input: SendCommandInput!) {
  sendCommand(input: $input) { id kind status expiresAt issuedAt positionSeconds
                               targetDevice { id } senderDevice { id } }
}
"""
ACK = "mutation($id: ID!) { acknowledgeCommand(id: $id) { id status acknowledgedAt } }"
COMMAND = """
query($u: ID!, $id: ID!) { _entities(representations: [{__typename: "User", id: $u}]) {
  ... on User { remoteCommand(id: $id) { id status acknowledgedAt } } } }
"""
START = """
mutation($input: StartPlaybackInput!) { startPlayback(input: $input) { id positionSeconds } }
"""
UPDATE = """
mutation($input: UpdatePlaybackInput!) { updatePlayback(input: $input) { id positionSeconds } }
"""
HAND_OFF = """
mutation($s: ID!, $d: ID!) { sendToDevice(sessionId: $s, targetDeviceId: $d) {
  session { id positionSeconds state device { id } }
  command { id kind positionSeconds sessionId title { id } senderDevice { id } } } }
"""


def codes(result: dict) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


def test_a_command_reaches_its_target_which_acks_and_the_sender_hears_it(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE", remote=False, resolution="HD")
    with device_events(playback, redis, user, phone) as phone_socket, \
            device_events(playback, redis, user, tv) as tv_socket:
        sent = playback.execute(SEND, {"input": {
            "targetDeviceId": tv, "senderDeviceId": phone, "kind": "SEEK",
            "positionSeconds": 600}}, user_id=user)["data"]["sendCommand"]
        assert sent["status"] == "PENDING" and sent["kind"] == "SEEK"
        assert sent["targetDevice"] == {"id": tv} and sent["senderDevice"] == {"id": phone}
        issued = datetime.fromisoformat(sent["issuedAt"])
        assert datetime.fromisoformat(sent["expiresAt"]) - issued == timedelta(seconds=5)

        heard = next_event(tv_socket)
        assert heard["kind"] == "COMMAND" and heard["deviceId"] == tv
        assert heard["device"] == {"id": tv, "name": "TV"}
        assert heard["command"]["id"] == sent["id"]
        assert heard["command"]["positionSeconds"] == 600

        acked = playback.execute(ACK, {"id": sent["id"]}, user_id=user)["data"]
        assert acked["acknowledgeCommand"]["status"] == "ACKNOWLEDGED"
        # The sender's socket hears the ack (and never the command, which was not for it).
        ack = next_event(phone_socket)
        assert (ack["kind"], ack["command"]["id"], ack["command"]["status"]) == (
            "ACKNOWLEDGED", sent["id"], "ACKNOWLEDGED")
    # The sender can also look it up.
    looked_up = playback.execute(COMMAND, {"u": str(user), "id": sent["id"]}, user_id=user)
    assert looked_up["data"]["_entities"][0]["remoteCommand"]["status"] == "ACKNOWLEDGED"
    # Another user sees no such command, and cannot ack it.
    other = uuid.uuid4()
    assert playback.execute(COMMAND, {"u": str(other), "id": sent["id"]}, user_id=other)[
        "data"]["_entities"][0]["remoteCommand"] is None
    assert codes(playback.execute(ACK, {"id": sent["id"]}, user_id=other)) == ["NOT_FOUND"]


def test_an_expired_command_cannot_be_acknowledged(
    playback: SubgraphClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    sent = playback.execute(SEND, {"input": {"targetDeviceId": tv, "kind": "PAUSE"}},
                            user_id=user)["data"]["sendCommand"]
    # Six seconds later (the app runs in this process: move its clock, not the test's).
    later = datetime.now(UTC) + timedelta(seconds=6)
    monkeypatch.setattr(remote_resolvers, "_now", lambda: later)
    refused = playback.execute(ACK, {"id": sent["id"]}, user_id=user)
    assert codes(refused) == ["COMMAND_EXPIRED"]
    assert refused["data"] is None
    monkeypatch.undo()
    status = playback.execute(COMMAND, {"u": str(user), "id": sent["id"]}, user_id=user)
    assert status["data"]["_entities"][0]["remoteCommand"]["acknowledgedAt"] is None


def test_commands_are_refused_for_devices_that_cannot_take_them(
    playback: SubgraphClient,
) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE", remote=False)

    def send(**input: object) -> dict:
        return playback.execute(SEND, {"input": input}, user_id=user)

    assert codes(send(targetDeviceId=phone, kind="PLAY")) == ["NOT_REMOTE_CONTROLLABLE"]
    assert codes(send(targetDeviceId=tv, kind="VOLUME", volume=140)) == ["BAD_USER_INPUT"]
    assert codes(send(targetDeviceId=tv, kind="CAST_TO", castTargetDeviceId=phone)) == [
        "NOT_REMOTE_CONTROLLABLE"]  # the phone is no cast receiver
    assert codes(send(targetDeviceId=str(uuid.uuid4()), kind="PLAY")) == ["NOT_FOUND"]
    stranger = device(playback, uuid.uuid4(), "Their TV")
    # Another user's device is answered as an unknown one: an id is no oracle.
    assert codes(send(targetDeviceId=stranger, kind="PLAY")) == ["NOT_FOUND"]
    anonymous = playback.execute(SEND, {"input": {"targetDeviceId": tv, "kind": "PLAY"}})
    assert codes(anonymous) == ["UNAUTHENTICATED"]


def test_send_to_tv_moves_the_session_and_the_tv_loads_it_at_the_same_position(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE", remote=False, resolution="HD")
    title = str(uuid.uuid4())
    session = playback.execute(START, {"input": {
        "deviceId": phone, "titleId": title, "durationSeconds": 5_400, "positionSeconds": 60}},
        user_id=user)["data"]["startPlayback"]
    playback.execute(UPDATE, {"input": {"sessionId": session["id"], "positionSeconds": 1_234,
                                        "state": "PLAYING"}}, user_id=user)
    with device_events(playback, redis, user, tv) as tv_socket:
        moved = playback.execute(HAND_OFF, {"s": session["id"], "d": tv}, user_id=user)
        assert "errors" not in moved, moved
        hand_off = moved["data"]["sendToDevice"]
        assert hand_off["session"] == {"id": session["id"], "positionSeconds": 1_234,
                                       "state": "PLAYING", "device": {"id": tv}}
        load = next_event(tv_socket)["command"]
        assert (load["kind"], load["positionSeconds"], load["sessionId"], load["title"]) == (
            "LOAD", 1_234, session["id"], {"id": title})
        assert load["senderDevice"] == {"id": phone}
    # To a device that is not remote-controllable: refused, nothing moves.
    back = playback.execute(HAND_OFF, {"s": session["id"], "d": phone}, user_id=user)
    assert codes(back) == ["NOT_REMOTE_CONTROLLABLE"]


def test_a_device_coming_online_is_announced_to_the_others(
    playback: SubgraphClient, redis: Redis
) -> None:
    user = uuid.uuid4()
    tv = device(playback, user, "TV")
    phone = device(playback, user, "Phone", kind="PHONE", remote=False)
    beat = "mutation($d: ID!) { heartbeat(deviceId: $d) { id online } }"
    with device_events(playback, redis, user, tv) as tv_socket:
        assert playback.execute(beat, {"d": phone}, user_id=user)["data"]["heartbeat"]["online"]
        online = next_event(tv_socket)
        assert (online["kind"], online["deviceId"], online["device"]["name"]) == (
            "ONLINE", phone, "Phone")
        # Later heartbeats say nothing new; the next event is the next real change.
        playback.execute(beat, {"d": phone}, user_id=user)
        playback.execute(beat, {"d": tv}, user_id=user)
        assert next_event(tv_socket)["deviceId"] == tv

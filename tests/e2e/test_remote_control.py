"""Remote control through the real router with real websocket clients: a command acknowledged
end to end, "send to TV" resuming at the same position, offline and expired commands refused."""

from __future__ import annotations

import asyncio
import base64
import json

import httpx
import pytest

from mediagateway.demo.devices import (
    RouterDevice,
    device_events,
    gql,
    wait_for_consumers,
    wait_for_listener,
)
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.stack import Router

SEND = """mutation($t: ID!, $s: ID, $k: RemoteCommandKind!, $p: Int) {
  sendCommand(input: {targetDeviceId: $t, senderDeviceId: $s, kind: $k, positionSeconds: $p}) {
    id status } }"""
ACK = "mutation($id: ID!) { acknowledgeCommand(id: $id) { id status } }"
START = """mutation($d: ID!, $t: ID!, $p: Int) { startPlayback(input: {deviceId: $d, titleId: $t,
  durationSeconds: 6000, positionSeconds: $p}) { id positionSeconds offer { platform } } }"""
UPDATE = """mutation($s: ID!, $p: Int!) { updatePlayback(input: {sessionId: $s,
  positionSeconds: $p, state: PLAYING}) { id } }"""
HAND_OFF = """mutation($s: ID!, $d: ID!) { sendToDevice(sessionId: $s, targetDeviceId: $d) {
  session { id positionSeconds device { id name } } command { id kind positionSeconds } } }"""
ME = "{ me { id devices { id name online } } }"


def _user_id(token: str) -> str:
    claims = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"]


def _ws(stack: Stack) -> str:
    return stack.router_url.replace("http://", "ws://")


@pytest.fixture(scope="module", autouse=True)
def settled(stack: Stack) -> None:
    """Commands expire in 5 s: measure behaviour on a stack that has digested its seed."""
    wait_for_consumers(stack.env["REDIS_URL"])


def test_a_command_is_acknowledged_end_to_end(stack: Stack, router: Router) -> None:
    token = router.login("user31@demo.mediagateway.dev")

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            tv = await RouterDevice.register(http, stack.router_url, token, "E2E TV")
            phone = await RouterDevice.register(http, stack.router_url, token, "E2E phone",
                                                kind="PHONE", remote=False)
            async with device_events(_ws(stack), token, tv.id) as tv_events, \
                    device_events(_ws(stack), token, phone.id) as phone_events:
                await asyncio.to_thread(wait_for_listener, stack.env["REDIS_URL"],
                                        _user_id(token))
                sent = await phone.execute(SEND, {"t": tv.id, "s": phone.id, "k": "PAUSE"})
                assert sent["data"]["sendCommand"]["status"] == "PENDING", sent
                command_id = sent["data"]["sendCommand"]["id"]

                heard = await tv_events.next()
                assert (heard["kind"], heard["command"]["id"]) == ("COMMAND", command_id)
                acked = await tv.execute(ACK, {"id": command_id})
                assert acked["data"]["acknowledgeCommand"]["status"] == "ACKNOWLEDGED", acked

                ack = await phone_events.next()
                assert (ack["kind"], ack["command"]["id"], ack["command"]["status"]) == (
                    "ACKNOWLEDGED", command_id, "ACKNOWLEDGED")
                assert ack["command"]["senderDevice"] == {"id": phone.id}

    asyncio.run(scenario())


def test_send_to_tv_resumes_at_the_same_position(stack: Stack, router: Router) -> None:
    token = router.login("user32@demo.mediagateway.dev")
    title = str(MovieLens().items[0].id)

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            tv = await RouterDevice.register(http, stack.router_url, token, "Lounge TV")
            phone = await RouterDevice.register(http, stack.router_url, token, "Pocket",
                                                kind="PHONE", remote=False)
            started = await phone.execute(START, {"d": phone.id, "t": title, "p": 30})
            session = started["data"]["startPlayback"]
            assert "errors" not in await phone.execute(UPDATE, {"s": session["id"], "p": 2_718})
            async with device_events(_ws(stack), token, tv.id) as tv_events:
                await asyncio.to_thread(wait_for_listener, stack.env["REDIS_URL"],
                                        _user_id(token))
                moved = await phone.execute(HAND_OFF, {"s": session["id"], "d": tv.id})
                assert "errors" not in moved, moved
                hand_off = moved["data"]["sendToDevice"]
                assert hand_off["session"]["positionSeconds"] == 2_718
                assert hand_off["session"]["device"] == {"id": tv.id, "name": "Lounge TV"}

                load = await tv_events.next()
                assert load["kind"] == "COMMAND"
                assert (load["command"]["kind"], load["command"]["positionSeconds"],
                        load["command"]["sessionId"]) == ("LOAD", 2_718, session["id"])
                acked = await tv.execute(ACK, {"id": load["command"]["id"]})
                assert acked["data"]["acknowledgeCommand"]["status"] == "ACKNOWLEDGED"
            # The same title started again anywhere resumes there.
            again = await tv.execute(START, {"d": tv.id, "t": title, "p": None})
            assert again["data"]["startPlayback"]["positionSeconds"] == 2_718

    asyncio.run(scenario())


def test_offline_and_expired_commands_are_refused(stack: Stack, router: Router) -> None:
    token = router.login("user33@demo.mediagateway.dev")
    # The seeded living-room TV has never sent a heartbeat: it is offline.
    devices = router.execute(ME, token=token)["data"]["me"]["devices"]
    seeded_tv = next(d for d in devices if d["name"] == "Living room TV")
    assert seeded_tv["online"] is False

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            offline = await gql(http, stack.router_url, token, SEND,
                                {"t": seeded_tv["id"], "k": "PLAY"})
            assert offline["errors"][0]["extensions"]["code"] == "DEVICE_OFFLINE", offline

            tv = await RouterDevice.register(http, stack.router_url, token, "Bedroom TV")
            sent = await tv.execute(SEND, {"t": tv.id, "k": "SEEK", "p": 90})
            command_id = sent["data"]["sendCommand"]["id"]
            await asyncio.sleep(5.2)  # a command lives 5 seconds
            expired = await tv.execute(ACK, {"id": command_id})
            assert expired["errors"][0]["extensions"]["code"] == "COMMAND_EXPIRED", expired

    asyncio.run(scenario())

"""Latency of a remote-control command end to end through the router.

    .venv/bin/python -m benchmarks.remote_control [--commands 300]

Starts its own stack without demo data (a command needs no catalog, and a freshly seeded stack
spends minutes digesting 100,000 seeded events), registers a user with a TV and a phone, keeps a
graphql-transport-ws socket open on each device's `deviceEvents` through the router, then, one
command at a time:

* delivery: the phone's `sendCommand` POST leaves -> the TV's socket has the command;
* round trip: the same, then the TV's `acknowledgeCommand` -> the phone's socket has the ack.

Prints p50/p95 of both. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from mediagateway.demo.devices import (
    RouterDevice,
    device_events,
    wait_for_consumers,
    wait_for_listener,
)
from mediagateway.stack import Stack, running_stack

SEND = """mutation($t: ID!, $s: ID) { sendCommand(input: {targetDeviceId: $t,
  senderDeviceId: $s, kind: PAUSE}) { id } }"""
ACK = "mutation($id: ID!) { acknowledgeCommand(id: $id) { id } }"
HEARTBEAT = "mutation($d: ID!) { heartbeat(deviceId: $d) { id } }"
REGISTER = """mutation { register(input: {email: "bench@example.com",
  password: "remote-control-bench", displayName: "Bench"}) { accessToken user { id } } }"""


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


async def _run(stack: Stack, token: str, user_id: str, commands: int) -> None:
    ws = stack.router_url.replace("http://", "ws://")
    async with httpx.AsyncClient(timeout=30) as http:
        tv = await RouterDevice.register(http, stack.router_url, token, "Bench TV")
        phone = await RouterDevice.register(http, stack.router_url, token, "Bench phone",
                                            kind="PHONE", remote=False)
        async with device_events(ws, token, tv.id) as tv_events, \
                device_events(ws, token, phone.id) as phone_events:
            await asyncio.to_thread(wait_for_listener, stack.env["REDIS_URL"], user_id)
            delivery, round_trip = [], []
            for n in range(commands + 20):  # the first 20 warm connections and caches up
                if n % 100 == 0:  # stay online (90 s window)
                    await tv.execute(HEARTBEAT, {"d": tv.id})
                started = time.perf_counter()
                send = asyncio.create_task(phone.execute(SEND, {"t": tv.id, "s": phone.id}))
                heard = await tv_events.next()
                while heard["kind"] != "COMMAND":  # the target hears its own acks too
                    heard = await tv_events.next()
                delivered = time.perf_counter()
                sent = await send
                command_id = sent["data"]["sendCommand"]["id"]
                assert heard["command"]["id"] == command_id, (heard, sent)
                await tv.execute(ACK, {"id": command_id})
                ack = await phone_events.next()
                acked = time.perf_counter()
                assert ack["kind"] == "ACKNOWLEDGED" and ack["command"]["id"] == command_id
                if n >= 20:
                    delivery.append(delivered - started)
                    round_trip.append(acked - started)
    print(f"{'case':44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in (("command delivery (send -> target socket)", delivery),
                          ("round trip (send -> target -> ack -> sender)", round_trip)):
        p50, p95 = _percentiles(samples)
        print(f"{name:44} {len(samples):>5} {p50:>8.1f} {p95:>8.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=300)
    args = parser.parse_args()
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-bench-remote-")),
        router_env={"ROUTER_DEDUPE": "0"},
        seed=False,
    )
    with running_stack(stack):
        wait_for_consumers(stack.env["REDIS_URL"])
        registered = httpx.post(stack.router_url, json={"query": REGISTER}, timeout=30).json()
        token = registered["data"]["register"]["accessToken"]
        user_id = registered["data"]["register"]["user"]["id"]
        asyncio.run(_run(stack, token, user_id, args.commands))


if __name__ == "__main__":
    main()

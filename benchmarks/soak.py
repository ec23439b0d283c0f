"""Soak through the router: subscribed devices plus a steady rate of sync changes, for minutes.

    .venv/bin/python -m benchmarks.soak [--devices 1000] [--rate 100] [--minutes 5]

Starts the whole stack (seeded demo data, SQLite or DATABASE_URL's PostgreSQL, embedded Redis),
signs `devices / 3` demo users in (tokens minted with the users service's own key, in a child
process: sign-in is rate-limited per address), registers three devices each and subscribes
every device to `syncUpdates` over the router's websocket. Then, for `minutes`, it sends
`rate` watchlist changes a second (adds and removes, round robin over users) through the
router, each from the user's phone, and waits for it on the user's other two devices.

Prints, per minute and overall: changes sent and achieved rate, errors (GraphQL errors,
sockets closed, deliveries not seen within 30 s), delivery latency p50/p95 (mutation start to
arrival on a device), and every process's resident memory at start, middle and end, with the
machine's load average.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from benchmarks.sync_support import percentiles
from mediagateway.stack import Stack, running_stack

SUBSCRIBE = """subscription { syncUpdates { catchUp events { kind titleId } } }"""
REGISTER = """mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }"""
ADD = """mutation($d: ID!, $t: ID!) { syncAddToWatchlist(deviceId: $d, titleId: $t) {
  stateVector } }"""
REMOVE = """mutation($d: ID!, $t: ID!) { syncRemoveFromWatchlist(deviceId: $d, titleId: $t) {
  stateVector } }"""
TITLES = "{ titles(first: 100) { edges { node { id } } } }"
KINDS = (("Phone", "PHONE"), ("TV", "TV"), ("Browser", "WEB"))
DELIVERY_TIMEOUT = 30.0

MINT = """
import asyncio, os, sys
from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import database_url_for
from subgraphs.users.adapters.keys import load_signing_keys
from subgraphs.users.adapters.orm import UserRow
from subgraphs.users.tokens import TokenIssuer

async def main(count):
    await open_database(database_url_for("users", dict(os.environ)),
                        "subgraphs.users.adapters.orm")
    try:
        issuer = TokenIssuer((await load_signing_keys())[0])
        for user_id in await UserRow.all().order_by("email").limit(count).values_list(
                "id", flat=True):
            print(issuer.issue(user_id).token)
    finally:
        await close_database()

asyncio.run(main(int(sys.argv[1])))
"""


@dataclass
class User:
    token: str
    devices: list[str] = field(default_factory=list)
    sockets: list[ClientConnection] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)


@dataclass
class Tally:
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    # Per (user index, title): when the change started and which devices still wait for it.
    waiting: dict[tuple[int, str], tuple[float, set[int]]] = field(default_factory=dict)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _memory(stack: Stack) -> dict[str, float]:
    return {name: _rss_mb(process.pid) for name, process in stack.processes}


def _mint(stack: Stack, count: int) -> list[str]:
    out = subprocess.run([sys.executable, "-c", MINT, str(count)], env=stack.env, check=True,
                         capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    return out.stdout.split()


async def _gql(http: httpx.AsyncClient, url: str, query: str, variables: dict, token: str
               ) -> dict:
    response = await http.post(url, json={"query": query, "variables": variables},
                               headers={"authorization": f"Bearer {token}"})
    return response.json()


async def _subscribe(url: str, token: str) -> ClientConnection:
    socket = await connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           max_queue=None, open_timeout=60)
    await socket.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token}"}}))
    ack = json.loads(await socket.recv())
    assert ack["type"] == "connection_ack", ack
    await socket.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": SUBSCRIBE}}))
    first = json.loads(await socket.recv())
    assert first["type"] == "next", first
    return socket


async def _listen(index: int, device: int, socket: ClientConnection, tally: Tally) -> None:
    try:
        async for raw in socket:
            message = json.loads(raw)
            if message.get("type") != "next":
                tally.errors.append(f"socket message {message.get('type')}: {raw[:200]!r}")
                continue
            for event in message["payload"]["data"]["syncUpdates"]["events"]:
                key = (index, event["titleId"])
                entry = tally.waiting.get(key)
                if entry is None or device not in entry[1]:
                    continue
                entry[1].discard(device)
                tally.latencies.append(time.perf_counter() - entry[0])
                if not entry[1]:
                    del tally.waiting[key]
    except Exception as error:  # a closed socket is counted, not raised
        tally.errors.append(f"socket of user {index} closed: {error!r}"[:200])


async def _prepare(stack: Stack, count: int, http: httpx.AsyncClient) -> list[User]:
    users = [User(token) for token in _mint(stack, count)]
    url = stack.router_url
    for user in users:
        for name, kind in KINDS:
            result = await _gql(http, url, REGISTER, {"input": {"name": name, "kind": kind}},
                                user.token)
            assert "errors" not in result, result
            user.devices.append(result["data"]["registerDevice"]["id"])
    ws = url.replace("http://", "ws://")
    for start in range(0, len(users), 25):  # in batches: a storm of handshakes is not the test
        batch = users[start:start + 25]
        opened = await asyncio.gather(*(_subscribe(ws, u.token) for u in batch for _ in KINDS))
        for n, user in enumerate(batch):
            user.sockets = list(opened[3 * n:3 * n + 3])
    return users


async def _soak(stack: Stack, devices: int, rate: float, minutes: float) -> None:
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as http:
        titles_result = (await http.post(stack.router_url, json={"query": TITLES})).json()
        titles = [e["node"]["id"] for e in titles_result["data"]["titles"]["edges"]]
        users = await _prepare(stack, (devices + 2) // 3, http)
        print(f"{len(users)} users, {3 * len(users)} devices subscribed through the router",
              flush=True)
        tally = Tally()
        listeners = [asyncio.create_task(_listen(i, d, s, tally))
                     for i, user in enumerate(users) for d, s in enumerate(user.sockets)]
        memory = {"start": _memory(stack)}
        picks = itertools.cycle(itertools.product(range(len(users)), titles))

        async def change(index: int, title: str) -> None:
            user = users[index]
            removing = title in user.listed
            key = (index, title)
            if key in tally.waiting:  # the previous change of this pair still travels
                return
            tally.waiting[key] = (time.perf_counter(), {1, 2})
            tally.sent += 1
            try:
                result = await _gql(http, stack.router_url, REMOVE if removing else ADD,
                                    {"d": user.devices[0], "t": title}, user.token)
            except httpx.HTTPError as error:
                tally.errors.append(f"request failed: {error!r}"[:200])
                tally.waiting.pop(key, None)
                return
            if "errors" in result:
                tally.errors.append(json.dumps(result["errors"])[:200])
                tally.waiting.pop(key, None)
                return
            (user.listed.discard if removing else user.listed.add)(title)

        started = time.perf_counter()
        duration = minutes * 60
        interval = 1.0 / rate
        pending: set[asyncio.Task[None]] = set()
        minute, minute_sent, minute_lat = 1, 0, 0
        print(f"{'minute':>6} {'sent':>7} {'rate/s':>7} {'errors':>6} {'p50 ms':>8} "
              f"{'p95 ms':>8} {'load':>5}", flush=True)
        n = 0
        while (now := time.perf_counter() - started) < duration:
            due = n * interval
            if due > now:
                await asyncio.sleep(due - now)
            index, title = next(picks)
            task = asyncio.create_task(change(index, title))
            pending.add(task)
            task.add_done_callback(pending.discard)
            n += 1
            if time.perf_counter() - started >= minute * 60:
                window = tally.latencies[minute_lat:]
                p50, p95 = percentiles(window) if len(window) > 2 else (float("nan"),) * 2
                print(f"{minute:>6} {tally.sent - minute_sent:>7} "
                      f"{(tally.sent - minute_sent) / 60:>7.1f} {len(tally.errors):>6} "
                      f"{p50:>8.1f} {p95:>8.1f} {os.getloadavg()[0]:>5.2f}", flush=True)
                if minute == max(1, round(minutes / 2)):
                    memory["middle"] = _memory(stack)
                minute, minute_sent, minute_lat = minute + 1, tally.sent, len(tally.latencies)
        await asyncio.gather(*pending)
        deadline = time.perf_counter() + DELIVERY_TIMEOUT
        while tally.waiting and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - started
        memory["end"] = _memory(stack)
        lost = len(tally.waiting)
        for listener in listeners:
            listener.cancel()
        for user in users:
            for socket in user.sockets:
                await socket.close()

    p50, p95 = percentiles(tally.latencies)
    print(f"\n{tally.sent} changes in {elapsed:.0f} s ({tally.sent / elapsed:.1f}/s, asked "
          f"{rate}/s), {len(tally.latencies)} deliveries: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"errors: {len(tally.errors)}; changes not delivered to every other device within "
          f"{DELIVERY_TIMEOUT:.0f} s: {lost}")
    for error in tally.errors[:10]:
        print("  ", error)
    print(f"\n{'process':16} {'start MB':>9} {'middle MB':>10} {'end MB':>8}")
    for name in memory["start"]:
        row = [memory[stage].get(name, float("nan")) for stage in ("start", "middle", "end")
               if stage in memory]
        print(f"{name:16} " + " ".join(f"{value:>9.1f}" for value in row))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--minutes", type=float, default=5)
    args = parser.parse_args()
    stack = Stack.on_free_ports(Path(tempfile.mkdtemp(prefix="mg-soak-")))
    with running_stack(stack):
        print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
        asyncio.run(_soak(stack, args.devices, args.rate, args.minutes))


if __name__ == "__main__":
    main()

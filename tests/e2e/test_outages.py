"""Outages through the real router: Redis, a subgraph, a consumer and PostgreSQL go away and
come back while clients keep calling.

Whatever is down, the graph answers what it can; what it cannot is an error that names the
missing part with a retryable code (never INTERNAL_SERVER_ERROR); a write is either done and
reported done or not done; nothing is restarted but what went away; and every fact reported
done, and its event, is found afterwards (counted).

These tests kill processes, so they run on a stack of their own (own Redis, own databases; on
the PostgreSQL leg, a PostgreSQL server of their own) rather than the session's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import redis

from mediagateway.movielens import MovieLens
from mediagateway.redis_server import free_port
from mediagateway.stack import ROOT, Stack, running_stack
from subgraphs.common.settings import database_url_for
from tests.support.stack import Router

REPLICA = "outages"  # MG_REPLICA: consumer names are `<group>-outages`
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
# Bound on waiting for recovery (polling, not a timed assertion).
RECOVERY_S = 90.0

CATALOG = "{ titles(first: 3) { totalCount edges { node { id title } } } }"
TITLE_IDS = "query($n: Int!) { titles(first: $n) { edges { node { id } } } }"
ADD = "mutation($t: ID!) { addToWatchlist(titleId: $t) { title { id } addedAt } }"
# The same add from a device's sync document: its fact reaches users through playback's outbox.
SYNC_ADD = """mutation($d: ID!, $t: ID!) {
  syncAddToWatchlist(deviceId: $d, titleId: $t) { events { kind } } }"""
REGISTER = """mutation { registerDevice(input: {name: "Outage phone", kind: PHONE}) { id } }"""
VIEW = "mutation($t: ID!) { recordViewing(input: {titleId: $t, progress: 0.5}) { id } }"
MINE = """{ me { watchlist(first: 100) { totalCount edges { node { title { id } } } }
               viewingHistory(first: 100) { totalCount edges { node { id } } } } }"""
# Users' part and playback's part (nullable: a missing part nulls only itself) of one user.
ACROSS = "query($t: ID!) { me { email resumePosition(titleId: $t) } }"


# -- a PostgreSQL server of this module's own ------------------------------------------------

@dataclass
class Postgres:
    """A throwaway server (scripts/services) that can be stopped and started again."""

    directory: Path
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""

    def start(self) -> None:
        started = subprocess.run([str(ROOT / "scripts/services"), "start", str(self.directory)],
                                 env=self.env, check=True, capture_output=True, text=True).stdout
        self.url = next(line.split("=", 1)[1] for line in started.splitlines()
                        if line.startswith("export DATABASE_URL="))

    def stop(self) -> None:
        # `-m immediate`: the server goes as in a crash, and recovers from its log on start.
        subprocess.run([str(ROOT / "scripts/services"), "stop", str(self.directory)],
                       env=self.env, check=False, capture_output=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres | None]:
    if not ON_POSTGRES:
        yield None
        return
    # Directly under /tmp: run as root, the server runs as `postgres`, which cannot enter
    # pytest's private folders.
    with tempfile.TemporaryDirectory(prefix="mg-outages-pg-") as directory:
        server = Postgres(Path(directory), {
            **os.environ, "MG_TEST_PG_PORT": str(free_port()),
            "MG_TEST_REDIS_PORT": str(free_port()),
        })
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def outage_stack(tmp_path_factory: pytest.TempPathFactory,
                 postgres: Postgres | None) -> Iterator[Stack]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "MG_DATA_DIR", "DATABASE_URL"):
        env.pop(name, None)  # its own embedded Redis, its own files
    if postgres is not None:
        env["DATABASE_URL"] = postgres.url
    env["MG_REPLICA"] = REPLICA
    env["MG_SEED_HISTORY"] = "0"  # accounts and catalog; no 100,000 viewings to digest
    stack = Stack.on_free_ports(
        Path(tmp_path_factory.mktemp("outage-stack")),
        env=env,
    )
    with running_stack(stack):
        yield stack


@pytest.fixture(scope="module")
def client(outage_stack: Stack) -> Router:
    return Router(outage_stack.router_url)


@pytest.fixture(scope="module")
def title_ids(client: Router) -> list[str]:
    result = client.execute(TITLE_IDS, {"n": 100})
    assert "errors" not in result, result
    return [edge["node"]["id"] for edge in result["data"]["titles"]["edges"]]


# -- helpers ------------------------------------------------------------------------------------

def _redis(stack: Stack) -> redis.Redis:
    return redis.Redis.from_url(stack.env["REDIS_URL"])


def _until(what: str, check: Callable[[], Any], timeout: float = RECOVERY_S) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as error:  # polling through an outage
            last = error
        else:
            if last:
                return last
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {timeout:.0f} s; last: {last!r}")


def _outage_errors(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer's errors, each checked to be an outage's: coded, retryable, not internal."""
    errors = result.get("errors") or []
    for error in errors:
        extensions = error.get("extensions") or {}
        assert extensions.get("code") not in (None, "INTERNAL_SERVER_ERROR"), result
        assert extensions.get("retryable") is True, result
        assert "127.0.0.1" not in str(error) and "Traceback" not in str(error), result
    return errors


def _id_key(entry_id: bytes | str) -> tuple[int, int]:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, seq = text.split("-")
    return int(ms), int(seq)


def _assert_handled(r: redis.Redis, stream: str, entry_ids: list[bytes]) -> None:
    """Every consumer group of `stream` was handed each entry and acknowledged it."""
    groups = r.xinfo_groups(stream)
    assert groups, f"no consumer group reads {stream}"
    for group in groups:
        delivered = _id_key(group["last-delivered-id"])
        for entry_id in entry_ids:
            where = (stream, group["name"], entry_id)
            assert _id_key(entry_id) <= delivered, ("not delivered", *where)
            assert not r.xpending_range(stream, group["name"], entry_id, entry_id, 1), (
                "pending", *where)


def _entries(r: redis.Redis, stream: str, match: Callable[[dict[str, Any]], bool]
             ) -> list[tuple[bytes, dict[str, Any]]]:
    found = []
    for entry_id, fields in r.xrange(stream):
        event = {key.decode(): value.decode() for key, value in fields.items()}
        event["payload"] = json.loads(event["payload"])
        if match(event):
            found.append((entry_id, event))
    return found


def _no_dead_letters(r: redis.Redis) -> None:
    assert r.hgetall("mg:dead_letters") == {}


async def _count_postgres(url: str, sql: str, *args: object) -> int:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return int(await connection.fetchval(sql, *args))
    finally:
        await connection.close()


def _count(stack: Stack, subgraph: str, sql: str, *args: object) -> int:
    """A count from the subgraph's own database (`$1` placeholders)."""
    url = database_url_for(subgraph, stack.env)
    if url.startswith("sqlite://"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite://"))) as db:
            query = sql
            for index in range(len(args), 0, -1):
                query = query.replace(f"${index}", "?")
            return int(db.execute(query, [str(a) for a in args]).fetchone()[0])
    return asyncio.run(_count_postgres(url, sql, *args))


@dataclass
class Outcome:
    kind: str  # "watchlist", "sync" (a watchlist add through sync) or "viewing"
    title_id: str
    phase: str
    done: bool
    viewing_id: str | None = None
    refusal: str | None = None  # the first error's code and message, when refused


# A write still running when its phase ended belongs to the transition that followed.
_BETWEEN = {"before": "stopping", "outage": "recovering"}


@dataclass
class ClientLoop:
    """Writes of one signed-in user and catalog reads, in a thread, until stopped."""

    router: Router
    token: str
    titles: list[str]
    device_id: str
    phase: str = "before"
    outcomes: list[Outcome] = field(default_factory=list)
    reads: dict[str, int] = field(default_factory=dict)
    failures: list[BaseException] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> ClientLoop:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(timeout=120)
        if self.failures:
            raise self.failures[0]

    def until(self, what: str, check: Callable[[], Any]) -> None:
        """Wait for `check`, or for the loop to fail (raised at once)."""
        _until(what, lambda: self.failures or check())
        if self.failures:
            raise self.failures[0]

    def written(self, phase: str, done: bool | None = None) -> list[Outcome]:
        return [o for o in self.outcomes
                if o.phase == phase and (done is None or o.done is done)]

    def _run(self) -> None:
        try:
            for index, title in enumerate(self.titles):
                if self._stop.is_set():
                    return
                self._read(self.phase)
                if index % 3 == 1:
                    self._write("sync", SYNC_ADD, title)
                else:
                    self._write("watchlist", ADD, title)
                if index % 2 == 0:
                    self._write("viewing", VIEW, title)
                time.sleep(0.1)
        except BaseException as error:  # reported by __exit__
            self.failures.append(error)

    def _read(self, phase: str) -> None:
        result = self.router.execute(CATALOG)
        # The catalog does not depend on what is down here: it answers in full.
        assert "errors" not in result, (phase, result)
        assert result["data"]["titles"]["totalCount"] > 0, result
        self.reads[phase] = self.reads.get(phase, 0) + 1

    def _write(self, kind: str, mutation: str, title: str) -> None:
        # A write is of the phase it began and ended in; "stopping" and "recovering" are in
        # between.
        phase = self.phase
        variables = {"t": title, **({"d": self.device_id} if kind == "sync" else {})}
        result = self.router.execute(mutation, variables, token=self.token)
        if self.phase != phase:  # the outage began or ended while it ran: in between
            phase = _BETWEEN.get(phase, phase)
        if errors := _outage_errors(result):
            first = errors[0]
            self.outcomes.append(Outcome(kind, title, phase, done=False, refusal=(
                f"{first.get('extensions', {}).get('code')}: {first.get('message')}")))
            return
        data = result["data"]
        viewing = data["recordViewing"]["id"] if kind == "viewing" else None
        if kind == "watchlist":
            assert data["addToWatchlist"]["title"]["id"] == title, result
        if kind == "sync":
            assert [e["kind"] for e in data["syncAddToWatchlist"]["events"]] == [
                "WATCHLIST_ADDED"], result
        self.outcomes.append(Outcome(kind, title, phase, done=True, viewing_id=viewing))


def _mine(client: Router, token: str) -> tuple[set[str], set[str]]:
    result = client.execute(MINE, token=token)
    assert "errors" not in result, result
    me = result["data"]["me"]
    watchlist = {edge["node"]["title"]["id"] for edge in me["watchlist"]["edges"]}
    viewings = {edge["node"]["id"] for edge in me["viewingHistory"]["edges"]}
    assert len(watchlist) == me["watchlist"]["totalCount"] < 100
    assert len(viewings) == me["viewingHistory"]["totalCount"] < 100
    return watchlist, viewings


def _check_writes(stack: Stack, client: Router, token: str, user_id: str,
                  loop: ClientLoop, watchlist_before: set[str]) -> None:
    """Done writes are the owner's and their events reached every consumer; others are not.
    A sync add reaches users' watchlist through an event, so it is waited for."""
    watchlist, viewings = _mine(client, token)
    done = [o for o in loop.outcomes if o.done]
    refused = [o for o in loop.outcomes if not o.done]
    for outcome in done:
        if outcome.kind == "watchlist":
            assert outcome.title_id in watchlist, outcome
        elif outcome.kind == "viewing":
            assert outcome.viewing_id in viewings, outcome
    assert len(viewings) == len([o for o in done if o.kind == "viewing"])

    r = _redis(stack)
    try:
        added = {o.title_id for o in done if o.kind in ("watchlist", "sync")}
        viewed = {o.viewing_id for o in done if o.kind == "viewing"}

        def events_handled() -> bool:
            adds = _entries(r, "watchlist.changed", lambda e: (
                e["payload"]["user_id"] == user_id and e["payload"]["action"] == "added"))
            views = _entries(r, "viewing.recorded", lambda e: e["payload"]["user_id"] == user_id)
            # Every fact's event is on its stream (a redelivery may repeat one, never lose one).
            # Nothing is left staged in the writer's outbox: all of it was published.
            assert _count(stack, "users", "SELECT COUNT(*) FROM outbox") == 0, "still staged"
            on_stream = {e["payload"]["title_id"] for _, e in adds}
            assert on_stream == added, ("watchlist.changed", [
                o for o in done if o.title_id in added - on_stream], on_stream - added)
            on_stream = {e["id"] for _, e in views}
            assert on_stream == viewed, ("viewing.recorded", viewed - on_stream, on_stream - viewed)
            _assert_handled(r, "watchlist.changed", [i for i, _ in adds])
            _assert_handled(r, "viewing.recorded", [i for i, _ in views])
            # Each done sync add became a users fact (from playback's outbox), no refused one.
            assert _count(stack, "playback", "SELECT COUNT(*) FROM outbox") == 0, "still staged"
            now, _ = _mine(client, token)
            assert now - watchlist_before == added, (
                "watchlist", added - now, now - watchlist_before)
            # A refused add is not on the watchlist (a title's viewing may be refused while
            # its add went through: only adds count here).
            refused_adds = {o.title_id for o in refused if o.kind in ("watchlist", "sync")}
            assert not refused_adds & (now - watchlist_before), refused
            return True

        _until("every done write's event handled by every consumer group", events_handled)
        _no_dead_letters(r)
    finally:
        r.close()
    # Playback's projection of the watchlist holds each added title once (read again: sync
    # adds reached users' watchlist after the first read).
    watchlist, _ = _mine(client, token)
    assert _count(stack, "playback",
                  "SELECT COUNT(*) FROM watchlist_fact WHERE user_id = $1 AND present",
                  uuid.UUID(user_id)) == len(watchlist)


def _sign_in(client: Router, index: int) -> tuple[str, str]:
    user = MovieLens().users[index]
    return client.login(user.email), str(user.id)


def _writer(client: Router, index: int, title_ids: list[str], count: int
            ) -> tuple[str, str, set[str], list[str]]:
    """A scenario's demo user: token, id, watchlist before it, up to `count` titles to add."""
    token, user_id = _sign_in(client, index)
    before, _ = _mine(client, token)
    return token, user_id, before, [t for t in title_ids if t not in before][:count]


def _device(client: Router, token: str) -> str:
    """A phone of the user's, registered before any outage: sync writes come from it."""
    result = client.execute(REGISTER, token=token)
    assert "errors" not in result, result
    return result["data"]["registerDevice"]["id"]


# -- the scenarios ------------------------------------------------------------------------------

def test_redis_stopped_and_restarted_under_load(
    outage_stack: Stack, client: Router, title_ids: list[str]
) -> None:
    token, user_id, watchlist_before, titles = _writer(client, 0, title_ids, 60)
    with ClientLoop(client, token, titles, _device(client, token)) as loop:
        loop.until("writes before the outage", lambda: len(loop.written("before")) >= 3)
        loop.phase = "stopping"
        outage_stack.kill("redis", signal.SIGTERM)  # saves its data, as a stop does
        loop.phase = "outage"
        loop.until("writes during the outage", lambda: len(loop.written("outage")) >= 6)
        loop.phase = "recovering"
        outage_stack.restart("redis")
        loop.until("a write done after Redis came back",
                   lambda: loop.written("recovering", done=True))
        loop.phase = "after"
        loop.until("writes after recovery", lambda: len(loop.written("after")) >= 4)

    assert loop.reads.get("outage", 0) >= 2
    assert all(o.done for o in loop.written("before"))
    # Back without restarting anything but Redis: every write is done again.
    assert all(o.done for o in loop.written("after")), loop.written("after")
    _check_writes(outage_stack, client, token, user_id, loop, watchlist_before)


def test_a_killed_subgraph_is_left_out_then_back_after_its_restart(
    outage_stack: Stack, client: Router, title_ids: list[str]
) -> None:
    token, _ = _sign_in(client, 1)
    across = {"t": title_ids[0]}
    assert "errors" not in client.execute(ACROSS, across, token=token)
    outage_stack.kill("playback")
    try:
        result = client.execute(ACROSS, across, token=token)
        # Users' part is there; playback's is named as missing, retryable.
        assert result["data"]["me"]["email"], result
        (error,) = _outage_errors(result)
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE", result
        assert error["extensions"]["missing"] == ["User.resumePosition"], result
        assert "User.resumePosition" in error["message"]
        assert result["data"]["me"]["resumePosition"] is None
        assert "playback" not in str(error)
        # The catalog (content alone) does not notice.
        assert "errors" not in client.execute(CATALOG)
    finally:
        outage_stack.restart("playback")
    # The router, never restarted, answers in full again.
    full = _until("the full answer", lambda: (
        answer if "errors" not in (answer := client.execute(ACROSS, across, token=token))
        else None))
    assert full["data"]["me"]["email"]


def test_a_consumer_killed_with_pending_events_handles_each_once_after_restart(
    outage_stack: Stack, client: Router, title_ids: list[str]
) -> None:
    token, user_id, before, titles = _writer(client, 2, title_ids, 30)
    r = _redis(outage_stack)
    group, consumer = "playback.facts", f"playback.facts-{REPLICA}"
    try:
        # Killed while events are being published to it.
        first, rest = titles[:15], titles[15:]
        for index, title in enumerate(first):
            if index == 5:
                outage_stack.kill("playback")
            result = client.execute(ADD, {"t": title}, token=token)
            assert "errors" not in result, result
        # Killed after it read events and before it acknowledged them: those are pending,
        # handed to its consumer name, as a crash in the middle of a batch leaves them.
        for title in rest:
            assert "errors" not in client.execute(ADD, {"t": title}, token=token)
        read = r.xreadgroup(group, consumer, {"watchlist.changed": ">"}, count=1000)
        handed = [entry_id for _, entries in read for entry_id, _ in entries]
        assert len(handed) >= len(rest)
        assert r.xpending("watchlist.changed", group)["pending"] >= len(rest)

        outage_stack.restart("playback")

        def drained() -> bool:
            assert r.xpending("watchlist.changed", group)["pending"] == 0
            _assert_handled(r, "watchlist.changed", handed)
            return True

        _until("playback's pending events acknowledged", drained)
        _no_dead_letters(r)
    finally:
        r.close()
    # Each event once in effect: every added title exactly once in playback's projection.
    watchlist, _ = _mine(client, token)
    assert watchlist - before == set(titles)
    rows = _count(outage_stack, "playback",
                  "SELECT COUNT(*) FROM watchlist_fact WHERE user_id = $1 AND present",
                  uuid.UUID(user_id))
    distinct = _count(outage_stack, "playback",
                      "SELECT COUNT(DISTINCT title_id) FROM watchlist_fact WHERE user_id = $1",
                      uuid.UUID(user_id))
    assert rows == distinct == len(watchlist)


@pytest.mark.skipif(not ON_POSTGRES, reason="restarts a PostgreSQL server; the SQLite leg "
                    "has none to restart (scripts/test's PostgreSQL leg runs this)")
def test_postgres_restarted_under_load(
    outage_stack: Stack, postgres: Postgres, client: Router, title_ids: list[str]
) -> None:
    token, user_id, watchlist_before, titles = _writer(client, 3, title_ids, 60)
    loop = ClientLoop(client, token, titles, _device(client, token))
    # Reads need the database too: during the outage they are checked as writes are.
    loop._read = lambda phase: _outage_errors(client.execute(CATALOG))  # type: ignore[method-assign]
    with loop:
        loop.until("writes before the outage", lambda: len(loop.written("before")) >= 3)
        loop.phase = "stopping"
        postgres.stop()
        loop.phase = "outage"
        loop.until("writes during the outage", lambda: len(loop.written("outage")) >= 6)
        loop.phase = "recovering"
        postgres.start()
        loop.until("a write done after PostgreSQL came back",
                   lambda: loop.written("recovering", done=True))
        loop.phase = "after"
        loop.until("writes after recovery", lambda: len(loop.written("after")) >= 4)

    assert all(o.done for o in loop.written("before")), loop.written("before")
    assert not any(o.done for o in loop.written("outage")), "no database, no write done"
    assert all(o.done for o in loop.written("after")), loop.written("after")
    assert "errors" not in client.execute(CATALOG)
    _check_writes(outage_stack, client, token, user_id, loop, watchlist_before)

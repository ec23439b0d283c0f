"""What the database alone costs per ingested title: the floor under ingestion throughput.

    .venv/bin/python -m benchmarks.ingest_floor [--titles 20000]   # SQLite, and PostgreSQL
        on a throwaway server (scripts/services), with and without its foreign-key triggers

The synthetic feed of ingest_bench.py is normalised, resolved and planned by the real writer
(nothing written); then only the planned statements are replayed through the ingestion session
into a fresh catalog, batch by batch, committing every 5,000 titles as a run does. Reported:
wall-clock µs per title, and CPU µs per title of the database's side (SQLite: the session's
thread; PostgreSQL: the whole machine's busy time minus this process's, so run it quiet).
1,000,000 / (µs per title) is the most titles/s that side allows, however fast the Python is.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg

from benchmarks.ingest_bench import record
from benchmarks.throwaway_postgres import throwaway_postgres
from mediagateway.demo.content import GENRE_NAMES, PLATFORMS
from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.ingest import ensure_vocabulary
from subgraphs.content.ingest.normalise import Normaliser
from subgraphs.content.ingest.records import Resolved
from subgraphs.content.ingest.resolve import EntityResolver
from subgraphs.content.ingest.store import Step, ingest_session
from subgraphs.content.ingest.writer import GROUP_TITLES, CatalogWriter
from subgraphs.content.intent.domain.vocabulary import Vocabulary

BATCH = 100


class Recorder:
    """A session that keeps the steps it is given instead of running them."""

    dirty = False

    def __init__(self) -> None:
        self.batches: list[list[Step]] = []

    async def select(self, *args: Any) -> list[Sequence[Any]]:
        return []

    async def apply(self, steps: Sequence[Step]) -> None:
        self.batches.append(list(steps))

    async def commit(self) -> None:
        pass


async def planned(count: int, database_url: str) -> list[list[Step]]:
    """The statements a first load of `count` synthetic titles runs, batch by batch (the
    writer reads the platforms' link templates from `database_url`)."""
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        return await _plan(count)
    finally:
        await close_database()


async def _plan(count: int) -> list[list[Step]]:
    normaliser = Normaliser(Vocabulary.of(GENRE_NAMES, {slug: name for slug, (name, *_) in
                                                        PLATFORMS.items()}))
    resolver = EntityResolver([])
    recorder = Recorder()
    writer = CatalogWriter(recorder, {}, events=False, titles=False)  # type: ignore[arg-type]
    batch: list[Resolved] = []
    for n in range(count):
        item = normaliser.record(record(n), "bench")
        match = await resolver.resolve(item)
        batch.append(Resolved(item, match.title_id, item.content_hash()))
        if len(batch) == BATCH:
            await writer.write(batch)
            batch = []
    if batch:
        await writer.write(batch)
    return recorder.batches


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()[1:]
    user, nice, system, _, _, irq, softirq = (int(value) for value in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


async def replay(database_url: str, label: str, batches: list[list[Step]], count: int,
                 prepare: str | None = None) -> None:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        if prepare:
            from tortoise import Tortoise

            await Tortoise.get_connection("default").execute_script(prepare)
        async with ingest_session() as session:
            busy, cpu, wall = machine_busy(), time.process_time(), time.perf_counter()
            thread = 0.0
            for number, steps in enumerate(batches, start=1):
                started = time.perf_counter()
                await session.apply(steps)
                thread += time.perf_counter() - started
                if number * BATCH % GROUP_TITLES == 0:
                    await session.commit()
            await session.commit()
            wall = time.perf_counter() - wall
            cpu = time.process_time() - cpu
            busy = machine_busy() - busy
        side = cpu if "sqlite" in database_url else busy - cpu
        print(f"{label:<34} {count} titles: {wall / count * 1e6:6.0f} µs/title wall, "
              f"database side {side / count * 1e6:6.0f} µs/title CPU "
              f"(at most {count / side:6.0f} titles/s)")
    finally:
        await close_database()


async def on_sqlite(count: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        batches = await planned(count, f"sqlite://{directory}/plan.sqlite3")
        await replay(f"sqlite://{directory}/floor.sqlite3", "sqlite", batches, count)


async def on_postgres(server: str, count: int) -> None:
    base = server.rsplit("/", 1)[0]
    admin = await asyncpg.connect(f"{base}/postgres".replace("postgres://", "postgresql://", 1))
    names = [f"floor_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    # Only to measure what the foreign keys cost (needs a superuser; never done by ingestion).
    no_checks = "".join(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL;'
                        for table in ("title_genre", "credit", "offer"))
    try:
        batches = await planned(count, f"{base}/{names[2]}")
        await replay(f"{base}/{names[0]}", "postgres", batches, count)
        await replay(f"{base}/{names[1]}", "postgres, foreign-key triggers off", batches, count,
                     prepare=no_checks)
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=20_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: a throwaway one)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        asyncio.run(on_sqlite(args.titles))
    if args.postgres:
        asyncio.run(on_postgres(args.postgres, args.titles))
        return
    with throwaway_postgres("ingest-floor-") as url:
        # Tortoise keeps one dialect per process: PostgreSQL in a child process.
        subprocess.run([sys.executable, __file__, "--titles", str(args.titles),
                        "--postgres", url, "--skip-sqlite"], check=True)

if __name__ == "__main__":
    main()

"""Ingestion throughput: titles/s persisted (SQLite, PostgreSQL), and with embeddings + index.

    .venv/bin/python -m benchmarks.ingest_bench --databases sqlite,postgres   # the whole set
    .venv/bin/python -m benchmarks.ingest_bench [--titles 5000] [--embed-titles 1000]
    .venv/bin/python -m benchmarks.ingest_bench --embed-titles 0 \
        --postgres postgres://postgres:postgres@127.0.0.1:55432/mediagateway

One database dialect per process (Tortoise caches SQL per connection name): SQLite runs in this
process, PostgreSQL in a child process, in a scratch database that is dropped afterwards; with
`--databases ...,postgres` and no `--postgres` URL a throwaway server is started with
`scripts/services` (on free ports) and stopped at the end.

Synthetic feed records (3 genres, 4 credits, 3 offers each, unique titles and ids) are
written to a JSON Lines file first (not timed); the run reads it through the JSON Lines feed
and the whole pipeline (parse, normalise, resolve, batches of 100, commits). Reported per run:
wall-clock titles/s and CPU titles/s (this process only: SQLite's work is in it, the
PostgreSQL server's is not; the machine is shared, so CPU time is the steadier figure), for a
first load and for a rerun that changes nothing. Then the same with the local MiniLM
embeddings and the LanceDB index on (a fresh embedding cache, so every text is embedded).
Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from benchmarks.throwaway_postgres import throwaway_postgres
from mediagateway.demo.content import GENRE_NAMES, PLATFORMS
from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.ingest import IngestPipeline, ensure_vocabulary
from subgraphs.content.ingest.feeds import JsonLinesFeed

GENRES = sorted(GENRE_NAMES)
SLUGS = sorted(PLATFORMS)
REGIONS = ("US", "GB", "DE", "FR", "JP")
WORDS = ("night", "river", "ghost", "empire", "silent", "city", "last", "summer", "code",
         "winter", "garden", "storm", "echo", "iron", "paper", "glass", "wild", "blue")


def record(n: int) -> dict[str, Any]:
    words = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(3)]
    return {
        "source_id": str(n), "title": f"{' '.join(words).title()} {n}",
        "release_year": 1950 + n % 75, "runtime_minutes": 80 + n % 90,
        "overview": f"A story about {words[0]} and {words[1]} in the {words[2]}.",
        "genres": [GENRES[(n + k) % len(GENRES)] for k in range(3)],
        "ids": {"imdb": f"tt{9000000 + n:07d}"}, "popularity": n % 100, "vote_count": n % 5000,
        "credits": [{"person_id": f"bench-person:{(n * 13 + k) % 20000}",
                     "name": f"Person {(n * 13 + k) % 20000}",
                     "role": "director" if k == 0 else "actor", "order": k} for k in range(4)],
        "offers": [{"platform": SLUGS[(n + k) % len(SLUGS)], "region": REGIONS[(n + k) % 5],
                    "type": "subscription"} for k in range(3)],
    }


def feed_file(directory: Path, count: int) -> Path:
    """The synthetic feed as JSON Lines, once per size."""
    path = directory / f"feed-{count}.jsonl"
    if not path.exists():
        path.write_bytes(b"".join(orjson.dumps(record(n)) + b"\n" for n in range(count)))
    return path


class Discard:
    """A publisher that drops what it is given: the events are built, not sent."""

    def __init__(self) -> None:
        self.events = 0

    async def publish_many(self, events: list[Any]) -> None:
        self.events += len(events)


async def _run_once(path: Path, feed: str = "bench",
                    **options: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    report = await IngestPipeline(**options).run(feed, JsonLinesFeed(path, feed).items(),
                                                 progress=False)
    return time.perf_counter() - wall, time.process_time() - cpu, report


async def persist(database_url: str, count: int, label: str, directory: Path) -> None:
    path = feed_file(directory, count)
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        # The third run is another feed with the same IMDb ids: every title resolves to the
        # one already there and is updated, with its events built (as the CLI publishes them).
        for run, feed, publisher in (("first load", "bench", None), ("rerun", "bench", None),
                                     ("update+events", "other", Discard())):
            wall, cpu, report = await _run_once(path, feed, publisher=publisher)
            assert not report.skipped, report.skipped[:3]
            print(f"{label:<10} {run:<13} {count} titles: {count / wall:8.0f} titles/s wall, "
                  f"{count / cpu:8.0f} titles/s CPU  ({report.created} created, "
                  f"{report.updated} updated, {report.unchanged} unchanged, "
                  f"{report.events} events)")
    finally:
        await close_database()


async def with_index(database_url: str, count: int, data_dir: Path, label: str) -> None:
    path = feed_file(data_dir.parent, count)
    from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
    from subgraphs.content.search.build import build_search
    from subgraphs.content.search.settings import SearchSettings

    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    settings = SearchSettings.from_env({"MG_DATA_DIR": str(data_dir),
                                        "MG_CONTENT_EMBEDDING_CACHE_DIR": str(data_dir / "cache")})
    search = build_search(TortoiseContentRepository(), settings)
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        await search.indexer.provider.embed(["warm up the model"])
        wall, cpu, report = await _run_once(path, indexer=search.indexer)
        print(f"{label:<10} {'+ embed + index':<13} {count} titles: {count / wall:8.0f} "
              f"titles/s wall, {count / cpu:8.0f} titles/s CPU  ({report.indexed} indexed, "
              f"{await search.index.count()} in the index)")
    finally:
        await search.close()
        await close_database()


async def on_postgres(server: str, args: argparse.Namespace) -> None:
    base = server.rsplit("/", 1)[0]
    admin = await asyncpg.connect(f"{base}/postgres".replace("postgres://", "postgresql://", 1))
    names = [f"bench_ingest_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        with tempfile.TemporaryDirectory() as directory:
            await persist(f"{base}/{names[0]}", args.titles, "postgres", Path(directory))
            if args.embed_titles:
                await with_index(f"{base}/{names[1]}", args.embed_titles,
                                 Path(directory) / "data", "postgres")
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def on_sqlite(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        await persist(f"sqlite://{directory}/bench.sqlite3", args.titles, "sqlite",
                      Path(directory))
        if args.embed_titles:
            await with_index(f"sqlite://{directory}/indexed.sqlite3", args.embed_titles,
                             Path(directory) / "data", "sqlite")


def postgres_child(args: argparse.Namespace) -> None:
    """This script again, on PostgreSQL: `--postgres` when given, else a throwaway server."""
    command = [sys.executable, __file__, "--titles", str(args.titles),
               "--embed-titles", str(args.embed_titles)]
    if args.postgres:
        subprocess.run([*command, "--postgres", args.postgres], check=True)
        return
    with throwaway_postgres("ingest-bench-") as url:
        subprocess.run([*command, "--postgres", url], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=5000)
    parser.add_argument("--embed-titles", type=int, default=1000)
    parser.add_argument("--databases",
                        help="comma-separated: sqlite, postgres (default: sqlite, or the "
                             "--postgres server alone when that is given)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is used")
    args = parser.parse_args()
    if args.postgres and not args.databases:
        asyncio.run(on_postgres(args.postgres, args))
        return
    databases = (args.databases or "sqlite").split(",")
    if "sqlite" in databases:
        asyncio.run(on_sqlite(args))
    if "postgres" in databases:
        postgres_child(args)


if __name__ == "__main__":
    main()

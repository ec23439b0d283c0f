"""Ingest a catalog feed into the content database: `python -m mediagateway.ingest FEED SOURCE`.

    python -m mediagateway.ingest movielens [DATASET_DIR]
    python -m mediagateway.ingest jsonl titles.jsonl [--source NAME]
    python -m mediagateway.ingest tmdb https://api.example.org [--pages 5] [--rate 20]

Reads CONTENT_DATABASE_URL/DATABASE_URL and REDIS_URL like the content subgraph. Shows a
progress bar; prints a summary and every skipped record with its reason. Reruns that change
nothing write nothing. The JSON Lines schema: subgraphs/content/ingest/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from mediagateway.demo.feed import MovieLensFeed
from mediagateway.movielens import MovieLens
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import RedisEventBus
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.ingest import IngestPipeline, IngestReport, ensure_vocabulary
from subgraphs.content.ingest.feeds import JsonLinesFeed, TmdbFeed
from subgraphs.content.settings import MODELS, Settings

__all__ = ["main", "run"]


def _feed(args: argparse.Namespace) -> Any:
    if args.feed == "movielens":
        return MovieLensFeed(MovieLens(Path(args.source)) if args.source else MovieLens())
    if args.feed == "jsonl":
        if not args.source:
            raise SystemExit("jsonl needs a file")
        return JsonLinesFeed(Path(args.source), name=args.source_name or "jsonl")
    if not args.source:
        raise SystemExit("tmdb needs the API's base URL")
    return TmdbFeed(args.source, args.api_key or os.environ.get("TMDB_API_KEY"),
                    pages=args.pages, rate=args.rate,
                    regions=tuple(r.strip().upper() for r in args.regions.split(",")))


async def run(args: argparse.Namespace) -> IngestReport:
    from mediagateway.demo.content import GENRE_NAMES, PLATFORMS

    settings = Settings.from_env()  # content's: its database, Redis and search
    feed = _feed(args)
    await open_database(settings.database_url, MODELS)
    redis = Redis.from_url(settings.redis_url)
    search = None
    try:
        await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
        indexer = embedder = None
        if not args.no_index:
            from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
            from subgraphs.content.search.build import build_search

            search = build_search(TortoiseContentRepository(), settings.search)
            indexer = search.indexer
            embedder = search.indexer.provider if args.embedding_resolution else None
        pipeline = IngestPipeline(
            RedisEventBus(redis), indexer=indexer, embedder=embedder,
            graph=None if args.no_graph else TitleGraph(), batch_size=args.batch_size,
        )
        items: AsyncIterator[Any] = feed.items()
        return await pipeline.run(feed.name, items, total=feed.count())
    finally:
        if search is not None:
            await search.close()
        await redis.aclose()
        await close_database()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mediagateway.ingest",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("feed", choices=["movielens", "jsonl", "tmdb"])
    parser.add_argument("source", nargs="?", help="dataset dir, .jsonl file or API base URL")
    parser.add_argument("--source-name", help="prefix of source ids (jsonl; default 'jsonl')")
    parser.add_argument("--api-key", help="TMDb API key (default: $TMDB_API_KEY)")
    parser.add_argument("--pages", type=int, default=5, help="TMDb discover pages (20 each)")
    parser.add_argument("--rate", type=float, default=20.0, help="TMDb requests per second")
    parser.add_argument("--regions", default="US,GB,DE,FR,JP", help="TMDb offer regions")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--no-index", action="store_true", help="skip the search index")
    parser.add_argument("--no-graph", action="store_true", help="skip the title graph")
    parser.add_argument("--embedding-resolution", action="store_true",
                        help="match unresolved titles by embedding similarity too (slower)")
    args = parser.parse_args(argv)
    report = asyncio.run(run(args))
    print(report.summary(), file=sys.stderr)
    print(f"matched by: {report.matches}", file=sys.stderr)
    if report.unknown_genres:
        print(f"genres not in the vocabulary: {report.unknown_genres}", file=sys.stderr)
    for ref, reason in report.skipped:
        print(f"skipped {ref}: {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Feed adapters: each yields `FeedItem`s whose data follows the JSON Lines schema (README).

The MovieLens demo feed lives with the demo data, in `mediagateway.demo.feed`."""

from __future__ import annotations

from subgraphs.content.ingest.feeds.jsonl import JsonLinesFeed
from subgraphs.content.ingest.feeds.tmdb import RateLimiter, TmdbFeed

__all__ = ["JsonLinesFeed", "RateLimiter", "TmdbFeed"]

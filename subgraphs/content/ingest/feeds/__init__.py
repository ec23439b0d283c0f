"""Feed adapters: each yields `FeedItem`s whose data follows the JSON Lines schema (README)."""

from __future__ import annotations

from subgraphs.content.ingest.feeds.jsonl import JsonLinesFeed
from subgraphs.content.ingest.feeds.movielens import MovieLensFeed
from subgraphs.content.ingest.feeds.tmdb import RateLimiter, TmdbFeed

__all__ = ["JsonLinesFeed", "MovieLensFeed", "RateLimiter", "TmdbFeed"]

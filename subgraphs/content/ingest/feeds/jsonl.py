"""Titles from a JSON Lines file, one object per line in the schema the README describes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import orjson

from subgraphs.content.ingest.records import FeedItem

__all__ = ["JsonLinesFeed"]


class JsonLinesFeed:
    """`name` prefixes source ids (`name:source_id`), so two providers' ids never collide."""

    def __init__(self, path: Path, name: str = "jsonl") -> None:
        self.path = path
        self.name = name

    def count(self) -> int:
        with self.path.open(encoding="utf-8") as handle:
            return sum(1 for line in handle if line.strip())

    async def items(self) -> AsyncIterator[FeedItem]:
        # Bytes to orjson: it checks the UTF-8 itself, in a fifth of the stdlib parser's time.
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                ref = f"{self.path.name}:{number}"
                try:
                    data = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    yield FeedItem(ref, error=f"not JSON: {error.msg} at column {error.colno}")
                    continue
                if not isinstance(data, dict):
                    yield FeedItem(ref, error="a line must hold a JSON object")
                    continue
                yield FeedItem(ref, data=data)

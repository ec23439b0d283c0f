"""Titles from a JSON Lines file, one object per line in the schema the README describes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

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
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                ref = f"{self.path.name}:{number}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as error:
                    yield FeedItem(ref, error=f"not JSON: {error.msg} at column {error.colno}")
                    continue
                if not isinstance(data, dict):
                    yield FeedItem(ref, error="a line must hold a JSON object")
                    continue
                yield FeedItem(ref, data=data)

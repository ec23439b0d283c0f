"""Catalog ingestion: feeds -> normalised records -> resolved titles -> batched upserts + events.

`python -m mediagateway.ingest <feed> <path-or-url>`; the JSON Lines schema is in README.md.
"""

from __future__ import annotations

from subgraphs.content.ingest.pipeline import (
    BATCH_SIZE,
    IngestPipeline,
    IngestReport,
    ensure_vocabulary,
)
from subgraphs.content.ingest.records import BadRecord, FeedItem, TitleRecord

__all__ = ["BATCH_SIZE", "BadRecord", "FeedItem", "IngestPipeline", "IngestReport",
           "TitleRecord", "ensure_vocabulary"]

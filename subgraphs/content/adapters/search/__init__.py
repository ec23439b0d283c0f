"""Search engines behind one `SearchIndex` Protocol, and keeping them in step with the catalog.

For the ingestion pipeline: after each batch of upserted titles call
`await indexer.index_titles(titles)` (`TitleIndexer` in `indexer.py`, titles are domain `Title`s;
genres and offers are read from the repository), and `await indexer.remove_titles(ids)` for
deleted ones. The app builds one `TitleIndexer` (see `subgraphs/content/search_engine.py`).
The default LanceDB engine answers from an in-memory mirror of its table (`memory_mirror.py`):
titles indexed by another process (the `ingest` CLI) reach a running subgraph's searches after
its restart.
"""

from __future__ import annotations

from subgraphs.content.adapters.search.base import IndexedTitle, RawHit, SearchIndex

__all__ = ["IndexedTitle", "RawHit", "SearchIndex"]

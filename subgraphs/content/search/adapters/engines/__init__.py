"""Search engines behind one `SearchIndex` Protocol (`base.py`): LanceDB (the default) and
Weaviate.

Ingestion keeps them in step with the catalog through `TitleIndexer` (`search/indexer.py`):
`await indexer.index_titles(titles)` after each committed batch of upserted titles and
`await indexer.remove_titles(ids)` for deleted ones; the app builds one (`search/build.py`).
The LanceDB engine answers from an in-memory mirror of its table (`memory_mirror.py`); titles
another process indexed (the `ingest` CLI) reach it through `SearchIndex.refresh`.
"""

"""The content subgraph: catalog, search, intent parsing, title graph and ingestion.

One package per feature; see README.md for where things are.
"""

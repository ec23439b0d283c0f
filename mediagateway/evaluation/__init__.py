"""Scoring the content subgraph's parsers against the labelled sets in `tests/data/`: shared by
`benchmarks/` and `tests/`, which never import each other."""

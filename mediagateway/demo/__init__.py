"""Demo data: MovieLens-100K as each subgraph's seed, written through the subgraphs' own
repositories and pipelines. Outside the subgraphs so that none of them depends on the data set
(or on this operations package)."""

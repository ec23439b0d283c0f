"""Transport-level helpers every subgraph uses; never imports from a subgraph."""

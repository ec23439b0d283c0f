"""The title graph: weighted edges between titles and a traversal of at most two hops."""

"""The graph's domain: edge kinds and weights, building edges, traversal; no database."""

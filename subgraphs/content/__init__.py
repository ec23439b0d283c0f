"""The content subgraph: catalog, genres, people, platforms and offers per region."""

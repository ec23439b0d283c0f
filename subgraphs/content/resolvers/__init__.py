"""Root fields of the content subgraph."""

from subgraphs.content.resolvers.queries import Query

__all__ = ["Query"]

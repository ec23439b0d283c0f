"""Root fields of the recommendations subgraph."""

from subgraphs.recommendations.resolvers.mutations import Mutation
from subgraphs.recommendations.resolvers.queries import Query

__all__ = ["Mutation", "Query"]

"""Root fields of the recommendations subgraph."""

from subgraphs.recommendations.resolvers.mutations import Mutation

__all__ = ["Mutation"]

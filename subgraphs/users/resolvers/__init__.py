"""Root fields of the users subgraph."""

from subgraphs.users.resolvers.mutations import Mutation
from subgraphs.users.resolvers.queries import Query

__all__ = ["Mutation", "Query"]

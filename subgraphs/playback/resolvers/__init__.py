"""Root fields of the playback subgraph."""

from subgraphs.playback.resolvers.mutations import Mutation
from subgraphs.playback.resolvers.subscriptions import Subscription

__all__ = ["Mutation", "Subscription"]

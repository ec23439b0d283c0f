"""The playback subgraph's federated schema: the features' roots and `User` fields merged."""

from __future__ import annotations

import strawberry

from subgraphs.common.extensions import standard_extensions
from subgraphs.common.ids import parse_id
from subgraphs.playback.account.types import DataExport
from subgraphs.playback.devices.resolvers import DevicesMutation
from subgraphs.playback.devices.types import Device, DevicesOfUser
from subgraphs.playback.live.executor import EventScopedExecutor
from subgraphs.playback.remote.resolvers import RemoteMutation, RemoteSubscription
from subgraphs.playback.remote.types import RemoteOfUser
from subgraphs.playback.sessions.resolvers import SessionsMutation, SessionsSubscription
from subgraphs.playback.sessions.types import PlaybackSession, SessionsOfUser, Title
from subgraphs.playback.sync.resolvers import SyncMutation, SyncSubscription

__all__ = ["Mutation", "Subscription", "User", "schema"]

# Fields appear in the order of the bases: keep it, the SDL (schema/playback.graphql) follows it.


@strawberry.federation.type(keys=["id"])
class User(DevicesOfUser, SessionsOfUser, RemoteOfUser):
    """A user of the users subgraph; this subgraph adds their devices and playback."""

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=strawberry.ID(str(parse_id(id, "user id"))))


@strawberry.type
class Mutation(RemoteMutation, SyncMutation, DevicesMutation, SessionsMutation):
    pass


@strawberry.type
class Subscription(RemoteSubscription, SyncSubscription, SessionsSubscription):
    pass


schema = strawberry.federation.Schema(
    mutation=Mutation,
    subscription=Subscription,
    types=[User, Device, PlaybackSession, Title, DataExport],
    extensions=standard_extensions(),
    federation_version="2.9",
    execution_context_class=EventScopedExecutor,
)

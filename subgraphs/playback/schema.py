"""The playback subgraph's federated schema."""

from __future__ import annotations

import strawberry

from subgraphs.common.extensions import ErrorCodes, default_limits
from subgraphs.playback.data_export import DataExport
from subgraphs.playback.execution import EventScopedExecutor
from subgraphs.playback.resolvers import Mutation, Subscription
from subgraphs.playback.types import Device, PlaybackSession, Title, User

__all__ = ["schema"]

schema = strawberry.federation.Schema(
    mutation=Mutation,
    subscription=Subscription,
    types=[User, Device, PlaybackSession, Title, DataExport],
    extensions=[*default_limits(), ErrorCodes],
    federation_version="2.9",
    execution_context_class=EventScopedExecutor,
)

"""The recommendations subgraph's federated schema: entities, a shared `me`, feedback."""

from __future__ import annotations

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import ErrorCodes, default_limits
from subgraphs.recommendations.data_export import DataExport
from subgraphs.recommendations.resolvers import Mutation, Query
from subgraphs.recommendations.types import Title, User

__all__ = ["schema"]

schema = CostedSchema(
    query=Query,
    mutation=Mutation,
    types=[User, Title, DataExport],
    extensions=[*default_limits(), ErrorCodes],
    federation_version="2.9",
)

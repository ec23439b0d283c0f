"""The recommendations subgraph's federated schema: entities, a shared `me`, feedback."""

from __future__ import annotations

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import standard_extensions
from subgraphs.recommendations.data_export import DataExport
from subgraphs.recommendations.resolvers import Mutation, Query
from subgraphs.recommendations.types import Title, User

__all__ = ["schema"]

schema = CostedSchema(
    query=Query,
    mutation=Mutation,
    types=[User, Title, DataExport],
    extensions=standard_extensions(),
    federation_version="2.9",
)

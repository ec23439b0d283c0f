"""The recommendations subgraph's federated schema: entities, a shared `me`, feedback, charts."""

from __future__ import annotations

from strawberry.tools import merge_types

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import standard_extensions
from subgraphs.recommendations.charts.resolvers import Query as ChartsQuery
from subgraphs.recommendations.data_export import DataExport
from subgraphs.recommendations.resolvers import Mutation
from subgraphs.recommendations.resolvers import Query as RecommendationsQuery
from subgraphs.recommendations.types import Title, User

__all__ = ["schema"]

Query = merge_types("Query", (RecommendationsQuery, ChartsQuery))

schema = CostedSchema(
    query=Query,
    mutation=Mutation,
    types=[User, Title, DataExport],
    extensions=standard_extensions(),
    federation_version="2.9",
)

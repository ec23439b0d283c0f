"""The content subgraph's federated schema."""

from __future__ import annotations

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import ErrorCodes, default_limits
from subgraphs.content.data_export import DataExport
from subgraphs.content.resolvers import Query
from subgraphs.content.types import Person, Platform, Title

__all__ = ["schema"]

schema = CostedSchema(
    query=Query,
    types=[Title, Person, Platform, DataExport],
    extensions=[*default_limits(), ErrorCodes],
    federation_version="2.9",
)

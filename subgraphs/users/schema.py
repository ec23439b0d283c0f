"""The users subgraph's federated schema."""

from __future__ import annotations

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import ErrorCodes, default_limits
from subgraphs.users.account.types import DataExport
from subgraphs.users.resolvers import Mutation, Query
from subgraphs.users.types import Title, User

__all__ = ["schema"]

schema = CostedSchema(
    query=Query,
    mutation=Mutation,
    types=[User, Title, DataExport],
    extensions=[*default_limits(), ErrorCodes],
    federation_version="2.9",
)

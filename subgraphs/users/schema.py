"""The users subgraph's federated schema."""

from __future__ import annotations

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import standard_extensions
from subgraphs.users.account.types import DataExport
from subgraphs.users.resolvers import Mutation, Query
from subgraphs.users.types import Title, User

__all__ = ["schema"]

schema = CostedSchema(
    query=Query,
    mutation=Mutation,
    types=[User, Title, DataExport],
    extensions=standard_extensions(),
    federation_version="2.9",
)

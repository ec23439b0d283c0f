"""The content subgraph's federated schema: the features' root fields on one `Query`."""

from __future__ import annotations

import strawberry

from subgraphs.common.costs import CostedSchema
from subgraphs.common.extensions import standard_extensions
from subgraphs.content.availability import resolvers as availability_fields
from subgraphs.content.catalog import resolvers as catalog_fields
from subgraphs.content.catalog.types import Person, Platform, Title
from subgraphs.content.data_export import DataExport
from subgraphs.content.search import resolvers as search_fields

__all__ = ["Query", "schema"]


@strawberry.type
class Query:
    # In the published SDL's order (schema/content.graphql): field order is API.
    search = search_fields.search
    title = catalog_fields.title
    titles = catalog_fields.titles
    genres = catalog_fields.genres
    platforms = catalog_fields.platforms
    leaving_soon = availability_fields.leaving_soon
    new_arrivals = availability_fields.new_arrivals
    price_drops = availability_fields.price_drops


schema = CostedSchema(
    query=Query,
    types=[Title, Person, Platform, DataExport],
    extensions=standard_extensions(),
    federation_version="2.9",
)

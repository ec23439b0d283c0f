"""Weaviate (`weaviate-client` v4, async): self-provided vectors, BM25 k1 1.2 / b 0.75.

One collection per vector space (provider + dimensions), objects keyed by the title's own
deterministic UUID so re-imports overwrite. `keyword`/`vector` are its `bm25` (with a `title^3`
boost) and `near_vector`, which our fusion combines with the graph and popularity parts exactly
as on LanceDB.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from subgraphs.content.search.domain.model import IndexedTitle, RawHit, SearchFilters

__all__ = ["WeaviateSearchIndex", "weaviate_filter"]

_QUERY_PROPERTIES = ["title^3", "text"]
_RETURN = ["genres", "availability", "year", "popularity"]
_BATCH = 200


def weaviate_filter(filters: SearchFilters) -> Any:
    """`SearchFilters` as one Weaviate filter (None when nothing filters)."""
    from weaviate.classes.query import Filter

    parts: list[Any] = []
    if filters.genres:
        parts.append(Filter.by_property("genres").contains_any(list(filters.genres)))
    if filters.all_genres:
        parts.append(Filter.by_property("genres").contains_all(list(filters.all_genres)))
    if filters.blocked_genres:
        parts.append(Filter.not_(
            Filter.by_property("genres").contains_any(list(filters.blocked_genres))))
    if tokens := filters.availability_any():
        parts.append(Filter.by_property("availability").contains_any(list(tokens)))
    if filters.kinds:
        parts.append(Filter.by_property("kind").contains_any(list(filters.kinds)))
    bounds = (
        ("year", "greater_or_equal", filters.year_from),
        ("year", "less_or_equal", filters.year_to),
        ("runtime", "greater_or_equal", filters.runtime_min),
        ("runtime", "less_or_equal", filters.runtime_max),
        ("rating", "greater_or_equal", filters.min_rating),
        ("age_rating", "less_or_equal", filters.max_age_rating),
    )
    for name, op, value in bounds:
        if value is not None:
            parts.append(getattr(Filter.by_property(name), op)(value))
    if filters.exclude_ids:
        parts.append(Filter.not_(Filter.by_id().contains_any(list(filters.exclude_ids))))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Filter.all_of(parts)


def _hit(obj: Any, score: float) -> RawHit:
    props = obj.properties
    return RawHit(
        id=uuid.UUID(str(obj.uuid)), score=float(score),
        genres=tuple(props.get("genres") or ()),
        availability=tuple(props.get("availability") or ()),
        year=props.get("year"), popularity=float(props.get("popularity") or 0.0),
    )


class WeaviateSearchIndex:
    def __init__(self, url: str, name: str, dimensions: int, grpc_port: int = 50051) -> None:
        # Weaviate class names start upper case: titles_all_minilm_l6_v2_384 -> Titles_all_...
        self.name = name[:1].upper() + name[1:]
        self.dimensions = dimensions
        self._url = urlsplit(url)
        self._grpc_port = grpc_port
        self._client: Any = None
        self._collection: Any = None
        self._lock = asyncio.Lock()

    async def _ensure(self) -> Any:
        async with self._lock:
            if self._collection is not None:
                return self._collection
            import weaviate
            from weaviate.classes.config import (
                Configure,
                DataType,
                Property,
                Tokenization,
                VectorDistances,
            )

            secure = self._url.scheme == "https"
            host = self._url.hostname or "127.0.0.1"
            client = weaviate.use_async_with_custom(
                http_host=host, http_port=self._url.port or (443 if secure else 8080),
                http_secure=secure, grpc_host=host, grpc_port=self._grpc_port,
                grpc_secure=secure,
            )
            await client.connect()
            if not await client.collections.exists(self.name):
                await client.collections.create(
                    self.name,
                    vector_config=Configure.Vectors.self_provided(
                        vector_index_config=Configure.VectorIndex.hnsw(
                            distance_metric=VectorDistances.COSINE)),
                    inverted_index_config=Configure.inverted_index(bm25_k1=1.2, bm25_b=0.75),
                    properties=[
                        Property(name="title", data_type=DataType.TEXT,
                                 tokenization=Tokenization.WORD),
                        Property(name="text", data_type=DataType.TEXT,
                                 tokenization=Tokenization.WORD),
                        Property(name="kind", data_type=DataType.TEXT,
                                 tokenization=Tokenization.FIELD),
                        Property(name="genres", data_type=DataType.TEXT_ARRAY,
                                 tokenization=Tokenization.FIELD),
                        Property(name="availability", data_type=DataType.TEXT_ARRAY,
                                 tokenization=Tokenization.FIELD),
                        Property(name="year", data_type=DataType.INT),
                        Property(name="runtime", data_type=DataType.INT),
                        Property(name="rating", data_type=DataType.NUMBER),
                        Property(name="age_rating", data_type=DataType.INT),
                        Property(name="popularity", data_type=DataType.NUMBER),
                    ],
                )
            self._client = client
            self._collection = client.collections.get(self.name)
            return self._collection

    async def upsert(self, titles: Sequence[IndexedTitle]) -> None:
        from weaviate.classes.data import DataObject

        for title in titles:
            if len(title.vector) != self.dimensions:
                raise ValueError(f"{title.id}: vector has {len(title.vector)} dimensions, "
                                 f"index {self.name} holds {self.dimensions}")
        collection = await self._ensure()
        for start in range(0, len(titles), _BATCH):
            objects = [
                DataObject(
                    uuid=title.id,
                    vector=list(title.vector),
                    properties={
                        "title": title.title, "text": title.text, "kind": title.kind,
                        "genres": list(title.genres), "availability": list(title.availability),
                        "year": title.year, "runtime": title.runtime, "rating": title.rating,
                        "age_rating": title.age_rating, "popularity": title.popularity,
                    },
                )
                for title in titles[start : start + _BATCH]
            ]
            # insert_many replaces objects with the same UUID; errors are collected, not raised.
            result = await collection.data.insert_many(objects)
            if result.has_errors:
                raise RuntimeError(f"Weaviate import failed: {list(result.errors.values())[:3]}")

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        from weaviate.classes.query import Filter

        if ids:
            collection = await self._ensure()
            await collection.data.delete_many(where=Filter.by_id().contains_any(list(ids)))

    async def count(self) -> int:
        collection = await self._ensure()
        return (await collection.aggregate.over_all(total_count=True)).total_count or 0

    async def keyword(self, query: str, filters: SearchFilters, limit: int) -> list[RawHit]:
        from weaviate.classes.query import MetadataQuery

        if not query.strip():
            return []
        collection = await self._ensure()
        response = await collection.query.bm25(
            query=query, query_properties=_QUERY_PROPERTIES, filters=weaviate_filter(filters),
            limit=limit, return_metadata=MetadataQuery(score=True), return_properties=_RETURN,
        )
        return [_hit(obj, obj.metadata.score or 0.0) for obj in response.objects]

    async def vector(
        self, vector: Sequence[float], filters: SearchFilters, limit: int
    ) -> list[RawHit]:
        from weaviate.classes.query import MetadataQuery

        collection = await self._ensure()
        response = await collection.query.near_vector(
            near_vector=list(vector), filters=weaviate_filter(filters), limit=limit,
            return_metadata=MetadataQuery(distance=True), return_properties=_RETURN,
        )
        return [_hit(obj, 1.0 - (obj.metadata.distance or 0.0)) for obj in response.objects]

    async def fetch(self, ids: Sequence[uuid.UUID], filters: SearchFilters) -> list[RawHit]:
        from weaviate.classes.query import Filter

        if not ids:
            return []
        collection = await self._ensure()
        wanted = Filter.by_id().contains_any(list(ids))
        extra = weaviate_filter(filters)
        response = await collection.query.fetch_objects(
            filters=wanted if extra is None else Filter.all_of([wanted, extra]),
            limit=len(ids), return_properties=_RETURN,
        )
        return [_hit(obj, 0.0) for obj in response.objects]

    async def browse(self, filters: SearchFilters, limit: int) -> list[RawHit]:
        from weaviate.classes.query import Sort

        collection = await self._ensure()
        response = await collection.query.fetch_objects(
            filters=weaviate_filter(filters), limit=limit, return_properties=_RETURN,
            sort=Sort.by_property("popularity", ascending=False),
        )
        return [_hit(obj, obj.properties.get("popularity") or 0.0) for obj in response.objects]

    async def warm(self) -> None:
        return None  # the server holds the index

    async def refresh(self) -> int:
        return 0  # every client reads the server's current state

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
            self._collection = None

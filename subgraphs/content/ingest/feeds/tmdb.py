"""Titles from a TMDb-style catalog API (v3 paths), politely rate limited.

Reads `/3/discover/movie?page=N` for ids, then `/3/movie/{id}` with credits, external ids, watch
providers and similar titles appended. Only the streaming providers we know become offers (by
TMDb provider id). Requests wait for a token bucket; 429 answers are retried after Retry-After,
5xx and network errors with backoff; a title that still fails is reported and skipped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import httpx

from subgraphs.content.ingest.records import FeedItem

__all__ = ["PROVIDERS", "RateLimiter", "TmdbFeed"]

# TMDb watch-provider ids -> our platform slugs.
PROVIDERS: Mapping[int, str] = {
    8: "netflix", 9: "prime_video", 119: "prime_video", 337: "disney_plus", 15: "hulu",
    350: "apple_tv_plus", 2: "apple_tv_plus", 1899: "max", 384: "max", 386: "peacock",
    531: "paramount_plus", 192: "youtube", 38: "bbc_iplayer",
}
_MONETISATION = {"flatrate": "subscription", "free": "free", "ads": "ads", "rent": "rent",
                 "buy": "buy"}


class RateLimiter:
    """A token bucket: at most `rate` requests a second, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


class TmdbFeed:
    name = "tmdb"

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        pages: int = 1,
        regions: Sequence[str] = ("US", "GB", "DE", "FR", "JP"),
        rate: float = 20.0,
        concurrency: int = 4,
        retries: int = 4,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.pages = pages
        self.regions = tuple(regions)
        self.limiter = RateLimiter(rate, burst=max(1, concurrency))
        self.concurrency = concurrency
        self.retries = retries
        self._client = client
        self.requests = 0

    def count(self) -> int | None:
        return None

    async def _get(self, client: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
        if self.api_key:
            params["api_key"] = self.api_key
        delay = 0.5
        for attempt in range(self.retries + 1):
            await self.limiter.acquire()
            self.requests += 1
            try:
                response = await client.get(f"{self.base_url}{path}", params=params)
            except httpx.TransportError:
                if attempt == self.retries:
                    raise
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if response.status_code == 429 and attempt < self.retries:
                await asyncio.sleep(float(response.headers.get("Retry-After", delay)))
                delay *= 2
                continue
            if response.status_code >= 500 and attempt < self.retries:
                await asyncio.sleep(delay)
                delay *= 2
                continue
            response.raise_for_status()
            return response.json()
        raise RuntimeError("unreachable")

    def _record(self, movie: Mapping[str, Any]) -> dict[str, Any]:
        credits = movie.get("credits") or {}
        people = [
            {"person_id": f"tmdb-person:{person['id']}", "name": person.get("name"),
             "role": "actor", "order": person.get("order", index),
             "character": person.get("character") or None}
            for index, person in enumerate((credits.get("cast") or [])[:15])
        ] + [
            {"person_id": f"tmdb-person:{person['id']}", "name": person.get("name"),
             "role": "director", "order": index}
            for index, person in enumerate(credits.get("crew") or [])
            if person.get("job") == "Director"
        ]
        offers = []
        providers = (movie.get("watch/providers") or {}).get("results") or {}
        for region in self.regions:
            listing = providers.get(region) or {}
            for monetisation, offer_type in _MONETISATION.items():
                for provider in listing.get(monetisation) or []:
                    slug = PROVIDERS.get(provider.get("provider_id"))
                    if slug:
                        offers.append({"platform": slug, "region": region, "type": offer_type,
                                       "web_url": listing.get("link")})
        external = movie.get("external_ids") or {}
        collection = movie.get("belongs_to_collection") or {}
        similar = (movie.get("similar") or {}).get("results") or []
        return {
            "source_id": str(movie["id"]),
            "title": movie.get("title"),
            "original_title": movie.get("original_title"),
            "overview": movie.get("overview"),
            "release_date": movie.get("release_date") or None,
            "runtime_minutes": movie.get("runtime") or None,
            "genres": [genre.get("name") for genre in movie.get("genres") or []],
            "ids": {"imdb": movie.get("imdb_id") or external.get("imdb_id"),
                    "tmdb": str(movie["id"])},
            "popularity": movie.get("popularity"),
            "average_rating": movie.get("vote_average"),
            "vote_count": movie.get("vote_count"),
            "collection": collection.get("name"),
            "credits": people,
            "offers": offers,
            "similar": [f"tmdb:{item['id']}" for item in similar if "id" in item],
        }

    async def _detail(self, client: httpx.AsyncClient, movie_id: object) -> FeedItem:
        ref = f"tmdb:{movie_id}"
        try:
            movie = await self._get(
                client, f"/3/movie/{movie_id}",
                append_to_response="credits,external_ids,watch/providers,similar",
            )
            return FeedItem(ref, data=self._record(movie))
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            return FeedItem(ref, error=f"fetch failed: {type(error).__name__}: {error}")

    async def _limited(
        self, gate: asyncio.Semaphore, client: httpx.AsyncClient, movie_id: object
    ) -> FeedItem:
        async with gate:
            return await self._detail(client, movie_id)

    async def items(self) -> AsyncIterator[FeedItem]:
        client = self._client or httpx.AsyncClient(timeout=10.0)
        gate = asyncio.Semaphore(self.concurrency)
        try:
            for page in range(1, self.pages + 1):
                try:
                    listing = await self._get(client, "/3/discover/movie", page=page,
                                              sort_by="popularity.desc")
                except (httpx.HTTPError, ValueError) as error:
                    yield FeedItem(f"tmdb:page:{page}", error=f"listing failed: {error}")
                    continue
                ids = [movie.get("id") for movie in listing.get("results") or []]
                for item in await asyncio.gather(*(self._limited(gate, client, movie_id)
                                                   for movie_id in ids)):
                    yield item
                if page >= int(listing.get("total_pages") or page):
                    break
        finally:
            if self._client is None:
                await client.aclose()

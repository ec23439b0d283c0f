"""Hybrid search latency over a synthetic 100,000-title catalog, through the router.

    .venv/bin/python -m benchmarks.search_latency [--titles 100000] [--requests 300]
        [--data-dir var/bench-search-int8]   # MG_CONTENT_EMBEDDING_PRECISION=fp32: var/bench-search

Builds (once; reused while --data-dir holds it) a catalog of generated titles with genres,
years, runtimes and two offers each, and its LanceDB index. To avoid 100,000 model runs, a
title's vector is the normalised mean of the real MiniLM vectors of its words and genres (one
run per vocabulary word); queries are embedded by the real model at query time. Then starts
the full stack (router + four subgraphs, no MovieLens seed, router deduplication off) and sends
`search` queries of every kind (titles with typos, slots, "like X", free text), at 1 and 16
concurrent clients, printing p50/p95, requests/s and the subgraph's own `searchTimeMs`.
Warm-up and each run use different queries, so no query's embedding is cached.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

from mediagateway.demo.content import PLATFORMS, REGIONS
from mediagateway.stack import Stack, running_stack
from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import database_url_for
from subgraphs.content.search.adapters.embeddings.base import index_key
from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider
from subgraphs.content.search.adapters.engines.lancedb_index import LanceSearchIndex
from subgraphs.content.search.domain.model import IndexedTitle, availability_tokens

# The stack's default precision unless MG_CONTENT_EMBEDDING_PRECISION says otherwise: the index is
# built in the space the content subgraph will query.
PRECISION = os.environ.get("MG_CONTENT_EMBEDDING_PRECISION") or "int8"


def _words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = _words(
    "dark silent golden broken last hidden lost wild frozen burning crimson endless little "
    "secret final savage quiet electric distant hollow bitter sweet brave midnight northern "
    "forgotten iron glass velvet shadow scarlet stolen cosmic restless wicked gentle ancient "
    "modern lonely"
)
NOUNS = _words(
    "river city night star garden kingdom machine heart empire road storm island war dream "
    "mirror house ghost summer winter forest ocean planet detective hunter soldier queen king "
    "robot dragon witch circus train bridge secret mountain desert town family prophecy "
    "signal harbor voyage frontier orbit labyrinth"
)
GENRES = ["action", "adventure", "animation", "family", "comedy", "crime", "documentary",
          "drama", "fantasy", "film-noir", "horror", "musical", "mystery", "romance",
          "science-fiction", "thriller", "war", "western"]
QUERY_TEMPLATES = [
    "{title}", "{typo}", "like {title}", "{genre} from the {decade}s",
    "{adj} {genre} on netflix in germany", "{genre} under 2 hours",
    "{adj} {noun} {genre}", "something {adj} about a {noun}",
]


def _titles(count: int, rng: random.Random) -> list[str]:
    shapes = ["The {A} {N}", "{N} of the {N2}", "{A} {N}", "The {N} {n}", "{A} {N} {n}"]
    return [rng.choice(shapes).format(A=rng.choice(ADJECTIVES).title(),
                                      N=rng.choice(NOUNS).title(), N2=rng.choice(NOUNS).title(),
                                      n=rng.randint(2, 999)) for _ in range(count)]


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(text) - 1))
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


async def build(data_dir: Path, env: dict[str, str], count: int) -> list[str]:
    from tortoise.transactions import in_transaction
    from tqdm import tqdm

    from subgraphs.content.adapters.orm import (
        GenreRow,
        OfferRow,
        PlatformRow,
        TitleGenreRow,
        TitleRow,
    )

    rng = random.Random(7)
    names = _titles(count, rng)
    marker = data_dir / "search-bench-built"
    if marker.exists():
        return names
    provider = LocalEmbeddingProvider(Path("var/models"), precision=PRECISION)
    vocabulary = sorted({*ADJECTIVES, *NOUNS, *(g.replace("-", " ") for g in GENRES)})
    word_vectors = dict(zip(vocabulary, provider.embed_sync(vocabulary), strict=True))
    await open_database(database_url_for("content", env), "subgraphs.content.adapters.orm")
    index = LanceSearchIndex(data_dir / "search", index_key(provider), 384)
    # Bulk load: build the indices once at the end instead of while rows arrive.
    index._fts_ready = True
    regions = list(REGIONS)
    try:
        async with in_transaction():
            await GenreRow.bulk_create([GenreRow(slug=g, name=g.replace("-", " ").title())
                                        for g in GENRES], ignore_conflicts=True)
            await PlatformRow.bulk_create(
                [PlatformRow(slug=slug, name=name, deep_link_template=deep, web_url_template=web)
                 for slug, (name, deep, web) in PLATFORMS.items()], ignore_conflicts=True)
        for start in tqdm(range(0, count, 5_000), desc="synthetic catalog", unit="5k titles"):
            rows, links, offers, docs = [], [], [], []
            for n in range(start, min(count, start + 5_000)):
                title_id = uuid.UUID(int=n + 1)
                genres = rng.sample(GENRES, rng.randint(1, 3))
                year = rng.randint(1930, 2025)
                popularity = 100 * rng.paretovariate(2.0) ** -1
                rows.append(TitleRow(id=title_id, source_key=f"bench:{n}", kind="movie",
                                     title=names[n], release_year=year,
                                     runtime_minutes=rng.randint(70, 200),
                                     popularity=popularity, average_rating=rng.uniform(1, 5),
                                     vote_count=rng.randint(0, 5000)))
                links += [TitleGenreRow(title_id=title_id, genre_id=g) for g in genres]
                tokens: set[str] = set()
                for region in rng.sample(regions, 2):
                    slug = rng.choice(REGIONS[region][1])
                    offers.append(OfferRow(
                        id=uuid.uuid5(title_id, region), title_id=title_id, platform_id=slug,
                        region=region, type="subscription", quality="hd",
                        audio_languages=["en"], subtitle_languages=["en"],
                        deep_link=f"x://{n}", web_url=f"https://example.invalid/{n}"))
                    tokens.update(availability_tokens(region, slug, "subscription"))
                words = [w.lower() for w in names[n].split() if w.lower() in word_vectors]
                parts = [word_vectors[w] for w in words] + [
                    0.5 * word_vectors[g.replace("-", " ")] for g in genres]
                vector = np.mean(parts, axis=0)
                vector /= np.linalg.norm(vector)
                docs.append(IndexedTitle(
                    id=title_id, title=names[n],
                    text=f"{names[n]} ({year}) - {', '.join(genres)}.", genres=tuple(genres),
                    availability=tuple(sorted(tokens)), year=year, runtime=rows[-1].runtime_minutes,
                    rating=rows[-1].average_rating, popularity=popularity / 100,
                    vector=vector.astype(np.float32).tolist()))
            async with in_transaction():
                await TitleRow.bulk_create(rows)
                await TitleGenreRow.bulk_create(links)
                await OfferRow.bulk_create(offers)
            await index.upsert(docs)
        started = time.perf_counter()
        await index.rebuild_indices()
        print(f"indices built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    finally:
        await close_database()
    marker.write_text("ok")
    return names


def _queries(names: list[str], count: int, seed: int) -> list[str]:
    # Each run gets its own queries: a repeated query would find its embedding cached.
    rng = random.Random(seed)
    out = []
    for n in range(count):
        title = rng.choice(names)
        out.append(QUERY_TEMPLATES[n % len(QUERY_TEMPLATES)].format(
            title=title, typo=_typo(title, rng), genre=rng.choice(GENRES).replace("-", " "),
            decade=rng.choice(range(1940, 2030, 10)), adj=rng.choice(ADJECTIVES),
            noun=rng.choice(NOUNS)))
    return out


SEARCH = """query($q: String!) { search(query: $q, first: 20, filter: {region: "US"}) {
  totalCount searchTimeMs missingParts
  edges { node { score title { id title } bestOffer { type platform { slug } } } } } }"""


async def measure(url: str, queries: list[str], clients: int) -> None:
    latencies: list[float] = []
    inside: list[float] = []
    degraded: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for query in queries:
        queue.put_nowait(query)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            query = queue.get_nowait()
            started = time.perf_counter()
            response = await http.post(url, json={"query": SEARCH, "variables": {"q": query}})
            latencies.append(time.perf_counter() - started)
            body = response.json()
            assert "errors" not in body, body
            inside.append(body["data"]["search"]["searchTimeMs"])
            degraded.extend(body["data"]["search"]["missingParts"])

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=clients)) as h:
        started = time.perf_counter()
        await asyncio.gather(*(client(h) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    inner = statistics.quantiles(inside, n=100)
    print(f"{clients:>7} {cuts[49] * 1000:8.1f} {cuts[94] * 1000:8.1f} "
          f"{len(latencies) / elapsed:8.1f} {inner[49]:10.1f} {inner[94]:10.1f} "
          f"{len(degraded):>8}")


def main() -> None:
    # A terminated run still stops the stack it started (SystemExit runs the `finally`s).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser()
    parser.add_argument("--titles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    # One catalog per precision: its vectors are that precision's.
    parser.add_argument("--data-dir", default="var/bench-search" if PRECISION == "fp32"
                        else f"var/bench-search-{PRECISION}")
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    stack = Stack.on_free_ports(data_dir, seed=False, router_env={"ROUTER_DEDUPE": "0"})
    stack._prepare_env()
    stack._run("mediagateway.migrate")
    names = asyncio.run(build(data_dir, stack.env, args.titles))
    with running_stack(stack):
        warm = _queries(names, 30, 10)
        for query in warm:  # model, title lookup and connections warm up
            httpx.post(stack.router_url, json={"query": SEARCH, "variables": {"q": query}},
                       timeout=60)
        print(f"{args.titles} titles; hybrid search via router, first 20, region US")
        print(f"{'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'inner p50':>10} "
              f"{'inner p95':>10} {'degraded':>8}")
        for seed, clients in enumerate((1, 16), start=11):
            asyncio.run(measure(stack.router_url, _queries(names, args.requests, seed), clients))


if __name__ == "__main__":
    main()

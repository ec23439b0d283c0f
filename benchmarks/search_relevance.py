"""Relevance of search on the MovieLens catalog: MRR and Recall@10 per mode and query kind.

    .venv/bin/python -m benchmarks.search_relevance [--alphas 0.3,0.5,0.7]

Seeds a fresh SQLite catalog and LanceDB index in a temporary directory, then runs the labelled
queries of tests/data/search_relevance.jsonl (see benchmarks/search_relevance_set.py) as:
- keyword: BM25 over the raw query (the engine alone, no intent, no typo tolerance);
- vector: nearest MiniLM neighbours of the raw query's embedding;
- hybrid: the search use case (intent -> filters, BM25 + typo-tolerant title lookup + vectors,
  relative score fusion, references with graph and popularity), for each alpha and both fusions.
Recall@10 = relevant titles in the top 10 / min(10, number relevant); MRR = mean 1/rank of the
first relevant title (0 beyond 10).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from mediagateway.demo import content as content_seed
from mediagateway.migrate import migrate
from mediagateway.movielens import MovieLens
from subgraphs.common.db import close_database, open_database
from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
from subgraphs.content.search.build import build_search
from subgraphs.content.search.domain.model import SearchFilters
from subgraphs.content.search.settings import SearchSettings

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "search_relevance.jsonl"
K = 10


class _NoBus:
    async def publish_many(self, events: Sequence[object]) -> None:
        return None


def _scores(ranked: list[str], relevant: set[str]) -> tuple[float, float]:
    top = ranked[:K]
    rr = next((1 / rank for rank, title in enumerate(top, 1) if title in relevant), 0.0)
    recall = len(set(top) & relevant) / min(K, len(relevant)) if relevant else 0.0
    return rr, recall


async def main(alphas: list[float]) -> None:
    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="mg-relevance-") as tmp:
        os.environ["MG_DATA_DIR"] = tmp
        url = f"sqlite://{tmp}/content.sqlite3"
        await migrate("content", url)
        await open_database(url, "subgraphs.content.adapters.orm")
        try:
            await content_seed.seed(MovieLens(), _NoBus())  # type: ignore[arg-type]
            repo = TortoiseContentRepository()
            names = {n.id: n.title for n in await repo.title_names()}
            modes: dict[str, object] = {}
            base = SearchSettings.from_env()
            search = build_search(repo, base)
            provider, index = search.service.provider, search.index
            await search.service.prepare()

            async def keyword(q: str) -> list[str]:
                return [names[h.id] for h in await index.keyword(q, SearchFilters(), K)]

            async def vector(q: str) -> list[str]:
                (v,) = await provider.embed([q])
                return [names[h.id] for h in await index.vector(v, SearchFilters(), K)]

            modes["keyword"] = keyword
            modes["vector"] = vector
            for fusion in ("relativeScore", "ranked"):
                for alpha in alphas:
                    service = build_search(repo, SearchSettings(
                        data_dir=base.data_dir, model_dir=base.model_dir,
                        cache_dir=base.cache_dir, alpha=alpha, fusion=fusion,
                        embed_timeout=30), provider=provider).service

                    async def hybrid(q: str, service=service) -> list[str]:  # type: ignore[no-untyped-def]
                        page = await service.search(q, SearchFilters(), 0, K)
                        return [hit.title.title for hit in page.hits]

                    modes[f"hybrid {fusion} a={alpha}"] = hybrid

            print(f"{len(rows)} queries; K={K}")
            header = f"{'mode':32} {'MRR':>6} {'R@10':>6}  " + "  ".join(
                f"{kind:>14}" for kind in ("known", "typo", "partial", "attribute", "like"))
            print(header)
            for mode, run in modes.items():
                per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
                for row in rows:
                    ranked = await run(row["query"])  # type: ignore[operator]
                    per_kind[row["kind"]].append(_scores(ranked, set(row["relevant"])))
                every = [s for scores in per_kind.values() for s in scores]
                cells = "  ".join(
                    f"{statistics.mean(r for r, _ in per_kind[k]):.2f}/"
                    f"{statistics.mean(c for _, c in per_kind[k]):.2f}".rjust(14)
                    for k in ("known", "typo", "partial", "attribute", "like"))
                print(f"{mode:32} {statistics.mean(r for r, _ in every):6.3f} "
                      f"{statistics.mean(c for _, c in every):6.3f}  {cells}")
        finally:
            await close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--alphas", default="0.3,0.5,0.7")
    args = parser.parse_args()
    asyncio.run(main([float(a) for a in args.alphas.split(",")]))

"""Entity resolution against the labelled records in tests/data/duplicates.jsonl, each resolved
alone against the 1,682 MovieLens titles: for the benchmark (`benchmarks/resolution_eval.py`)
and the test that keeps a floor."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from mediagateway.evaluation.intent import catalog_vocabulary
from mediagateway.movielens import MovieLens
from subgraphs.common.ids import stable_id
from subgraphs.content.catalog.domain.model import ExternalIds
from subgraphs.content.ingest.normalise import Normaliser
from subgraphs.content.ingest.resolve import CatalogEntry, Embedder, EntityResolver

__all__ = ["CASES", "evaluate", "load_cases", "movielens_entries"]

CASES = Path(__file__).resolve().parents[2] / "tests" / "data" / "duplicates.jsonl"


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def movielens_entries(data: MovieLens | None = None) -> list[CatalogEntry]:
    data = data or MovieLens()
    return [CatalogEntry(item.id, item.source_key, item.title, item.year, "movie", ExternalIds())
            for item in data.items]


async def evaluate(
    cases: list[dict[str, Any]], entries: list[CatalogEntry], embedder: Embedder | None = None
) -> tuple[Counter[str], list[str]]:
    """Counts of tp (right title), wrong (another title), fp (matched a distinct film),
    fn (missed a duplicate), tn; and a line per mistake."""
    normaliser = Normaliser(catalog_vocabulary())
    counts: Counter[str] = Counter()
    mistakes = []
    for case in cases:
        record = normaliser.record(case["record"], "other")
        match = await EntityResolver(entries, embedder).resolve(record)
        expected = case["duplicate_of"]
        want = stable_id("title", expected) if expected else None
        got = None if match.how == "new" else match.title_id
        if want is None:
            outcome = "tn" if got is None else "fp"
        elif got is None:
            outcome = "fn"
        else:
            outcome = "tp" if got == want else "wrong"
        counts[outcome] += 1
        counts[f"by:{match.how}"] += 1
        if outcome not in ("tp", "tn"):
            title, year = case["record"]["title"], case["record"]["release_year"]
            mistakes.append(f"{outcome}: {title!r} ({year}) -> {match.how}; expected {expected}")
    return counts, mistakes

"""Entity resolution precision/recall on tests/data/duplicates.jsonl against MovieLens-100K.

    .venv/bin/python benchmarks/resolution_eval.py [--embeddings] [--errors]

Each line is a record from another feed (title, year) and the MovieLens title it duplicates,
or null for a distinct film that looks alike (remakes, sequels, same names). Every record is
resolved alone against the 1,682 MovieLens titles. `--embeddings` adds the local MiniLM step
(cosine ≥ 0.92). Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.intent_eval import catalog_vocabulary
from mediagateway.movielens import MovieLens
from subgraphs.common.ids import stable_id
from subgraphs.content.catalog.domain.model import ExternalIds
from subgraphs.content.ingest.normalise import Normaliser
from subgraphs.content.ingest.resolve import CatalogEntry, Embedder, EntityResolver

__all__ = ["CASES", "evaluate", "load_cases", "movielens_entries"]

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "duplicates.jsonl"


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


def report(label: str, counts: Counter[str]) -> None:
    matched = counts["tp"] + counts["wrong"] + counts["fp"]
    duplicates = counts["tp"] + counts["wrong"] + counts["fn"]
    precision = counts["tp"] / matched if matched else 1.0
    recall = counts["tp"] / duplicates if duplicates else 1.0
    stages = {key[3:]: value for key, value in counts.items() if key.startswith("by:")}
    print(f"{label}: precision {precision:.3f}, recall {recall:.3f} "
          f"(tp {counts['tp']}, wrong title {counts['wrong']}, false match {counts['fp']}, "
          f"missed {counts['fn']}, distinct kept apart {counts['tn']}); decided by {stages}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embeddings", action="store_true")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    cases, entries = load_cases(), movielens_entries()
    print(f"{len(cases)} labelled records, "
          f"{sum(1 for c in cases if c['duplicate_of'])} of them duplicates")
    counts, mistakes = await evaluate(cases, entries)
    report("rules (ids, title + year ±1)", counts)
    if args.errors:
        print("\n".join(f"  {line}" for line in mistakes))
    if args.embeddings:
        from subgraphs.content.search.adapters.embeddings import make_provider

        provider = make_provider(Path("var/models"), {})
        counts, mistakes = await evaluate(cases, entries, provider)
        report("rules + embeddings (cosine >= 0.92)", counts)
        if args.errors:
            print("\n".join(f"  {line}" for line in mistakes))


if __name__ == "__main__":
    asyncio.run(main())

"""Entity resolution precision/recall on tests/data/duplicates.jsonl against MovieLens-100K.

    .venv/bin/python -m benchmarks.resolution_eval [--embeddings] [--errors]

Each line is a record from another feed (title, year) and the MovieLens title it duplicates,
or null for a distinct film that looks alike (remakes, sequels, same names). Every record is
resolved alone against the 1,682 MovieLens titles. `--embeddings` adds the local MiniLM step
(cosine ≥ 0.92). Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path

from mediagateway.evaluation.resolution import evaluate, load_cases, movielens_entries

__all__ = ["main"]


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
        from subgraphs.content.search.settings import SearchSettings

        provider = make_provider(SearchSettings(model_dir=Path("var/models")))
        counts, mistakes = await evaluate(cases, entries, provider)
        report("rules + embeddings (cosine >= 0.92)", counts)
        if args.errors:
            print("\n".join(f"  {line}" for line in mistakes))


if __name__ == "__main__":
    asyncio.run(main())

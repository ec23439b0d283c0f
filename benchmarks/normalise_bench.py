"""Ingestion's normaliser alone: CPU µs per `Normaliser.record`, today's code and a baseline.

    .venv/bin/python -m benchmarks.normalise_bench                   # vs before 2026-11-26
    .venv/bin/python -m benchmarks.normalise_bench --baseline none   # today's code only
    .venv/bin/python -m benchmarks.normalise_bench --baseline <commit> --records 20000 --rounds 9

Two record sets: `ingest_bench.record(n)` (3 genres, 4 credits, 3 plain offers, ids) and the
MovieLens-100K feed (about 28 credits and 10 offers with dates, prices and languages a title).
The baseline is `normalise.py` and `records.py` read from a git commit and loaded beside
today's. Rounds alternate between the two, each with a fresh normaliser (cold caches); the
best and the median round are reported, as CPU time (the machine is shared). Record results
in RESULTS.md with `uptime`'s load average.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

from benchmarks.ingest_bench import record  # noqa: E402
from mediagateway.demo.content import GENRE_NAMES, PLATFORMS  # noqa: E402
from mediagateway.demo.feed import MovieLensFeed  # noqa: E402
from mediagateway.movielens import GENRES  # noqa: E402
from subgraphs.content.ingest import normalise  # noqa: E402
from subgraphs.content.intent.domain.vocabulary import Vocabulary  # noqa: E402

# The last commit before the normaliser's fast paths.
BEFORE = "8aad682"
# Imports of old commits whose modules have moved since (content's feature packages).
_MOVED = (
    ("from subgraphs.content.domain.intent import COUNTRIES, Vocabulary",
     "from subgraphs.content.intent.domain.vocabulary import Vocabulary\n"
     "from subgraphs.content.intent.domain.words import COUNTRIES"),
    ("subgraphs.content.domain.model", "subgraphs.content.catalog.domain.model"),
)


def baseline(commit: str) -> ModuleType:
    """`normalise` as of `commit`, with its own `records` (so its own record classes)."""
    folder = Path(tempfile.mkdtemp(prefix="normalise-baseline-"))
    for name in ("records", "normalise"):
        text = subprocess.run(
            ["git", "show", f"{commit}:subgraphs/content/ingest/{name}.py"], cwd=ROOT,
            check=True, capture_output=True, text=True).stdout
        text = text.replace("subgraphs.content.ingest.records", "baseline_records")
        for before, now in _MOVED:
            text = text.replace(before, now)
        (folder / f"baseline_{name}.py").write_text(text)
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("baseline_normalise",
                                                  folder / "baseline_normalise.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def movielens() -> list[dict[str, object]]:
    async def read() -> list[dict[str, object]]:
        feed = MovieLensFeed(today=date(2026, 11, 26))
        return [item.data async for item in feed.items() if item.data is not None]
    return asyncio.run(read())


def per_record(module: ModuleType, vocabulary: Vocabulary, records: list[dict[str, object]],
               feed: str) -> float:
    """One round: CPU µs per record, from a fresh normaliser (cold caches)."""
    normaliser = module.Normaliser(vocabulary)
    started = time.process_time()
    for data in records:
        normaliser.record(data, feed)
    return (time.process_time() - started) / len(records) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BEFORE, help="a commit, or 'none'")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    platforms = {slug: value[0] for slug, value in PLATFORMS.items()}
    vocabularies: Mapping[str, Vocabulary] = {
        "bench": Vocabulary.of(dict(GENRE_NAMES), platforms),
        "movielens": Vocabulary.of({slug: label for label, slug in GENRES.items()}, platforms),
    }
    versions = {"today": normalise}
    if args.baseline != "none":
        versions = {f"baseline {args.baseline}": baseline(args.baseline), **versions}
    sets = {"bench": [record(n) for n in range(args.records)], "movielens": movielens()}
    for feed, records in sets.items():
        times: dict[str, list[float]] = {name: [] for name in versions}
        for _ in range(args.rounds):
            for name, module in versions.items():
                times[name].append(per_record(module, vocabularies[feed], records, feed))
        for name, values in times.items():
            print(f"{feed:<10} {len(records):>6} records  {name:<17} "
                  f"{min(values):7.1f} µs best  {statistics.median(values):7.1f} µs median")


if __name__ == "__main__":
    main()

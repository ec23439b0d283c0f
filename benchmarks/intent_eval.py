"""Per-slot precision/recall of the rule intent parser on tests/data/intent_queries.jsonl.

    .venv/bin/python benchmarks/intent_eval.py [--errors]

Each line holds a query and its expected slots (missing slots are expected empty). List slots
count one item per value (references and people compare case-insensitively); scalar slots
(years, runtime) count as one item when set; `text` counts its words. Prints p50/p95 parse
time too. Record results in RESULTS.md.

Lines marked `"split": "holdout"` were written after the rules were tuned on the others and are
reported apart, as the honest figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mediagateway.movielens import GENRES
from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.intent.domain.rules import parse_intent
from subgraphs.content.intent.domain.vocabulary import Vocabulary
from subgraphs.content.seed import PLATFORMS

__all__ = ["CASES", "SLOTS", "catalog_vocabulary", "load_cases", "score"]

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "intent_queries.jsonl"
SLOTS = ("genres", "excluded_genres", "moods", "kinds", "year_from", "year_to", "runtime_min",
         "runtime_max", "platforms", "regions", "people", "offer_types", "references", "text")


def catalog_vocabulary() -> Vocabulary:
    """The demo catalog's genres and platforms, as the content subgraph loads them."""
    return Vocabulary.of(
        {slug: label for label, slug in GENRES.items()},
        {slug: spec[0] for slug, spec in PLATFORMS.items()},
    )


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _items(slot: str, value: Any) -> set[str]:
    if value in (None, "", [], ()):
        return set()
    if slot == "text":
        return {word.lower() for word in str(value).split()}
    if isinstance(value, list | tuple):
        return {str(item).lower() for item in value}
    return {str(value)}


def score(
    parse: Callable[[str], Intent], cases: Iterable[dict[str, Any]]
) -> tuple[dict[str, tuple[int, int, int]], list[tuple[str, str, set[str], set[str]]]]:
    """Per slot (true positives, false positives, false negatives), and each mismatch."""
    counts: dict[str, Counter[str]] = {slot: Counter() for slot in SLOTS}
    errors = []
    for case in cases:
        got = parse(case["query"]).as_dict()
        for slot in SLOTS:
            want = _items(slot, case["expected"].get(slot))
            have = _items(slot, got.get(slot))
            counts[slot]["tp"] += len(want & have)
            counts[slot]["fp"] += len(have - want)
            counts[slot]["fn"] += len(want - have)
            if want != have:
                errors.append((case["query"], slot, want, have))
    return {slot: (c["tp"], c["fp"], c["fn"]) for slot, c in counts.items()}, errors


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every mismatch")
    args = parser.parse_args()
    vocabulary = catalog_vocabulary()
    cases = load_cases()
    for label, subset in (
        ("tuning", [c for c in cases if c.get("split") != "holdout"]),
        ("holdout", [c for c in cases if c.get("split") == "holdout"]),
        ("all", cases),
    ):
        _report(label, subset, vocabulary, args.errors and label != "all")
    timings = []
    for _ in range(20):
        for case in cases:
            start = time.perf_counter()
            parse_intent(case["query"], vocabulary)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"parse time over {len(timings)} parses: p50 {statistics.median(timings):.3f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)]:.3f} ms, max {timings[-1]:.3f} ms")


def _report(label: str, cases: list[dict[str, Any]], vocabulary: Vocabulary,
            show_errors: bool) -> None:
    counts, errors = score(lambda q: parse_intent(q, vocabulary), cases)
    print(f"\n== {label}: {len(cases)} queries")
    print(f"{'slot':<16} {'support':>7} {'precision':>9} {'recall':>7}")
    total = Counter[str]()
    for slot, (tp, fp, fn) in counts.items():
        total.update(tp=tp, fp=fp, fn=fn)
        print(f"{slot:<16} {tp + fn:>7} {_ratio(tp, tp + fp):>9.3f} {_ratio(tp, tp + fn):>7.3f}")
    print(f"{'all (micro)':<16} {total['tp'] + total['fn']:>7} "
          f"{_ratio(total['tp'], total['tp'] + total['fp']):>9.3f} "
          f"{_ratio(total['tp'], total['tp'] + total['fn']):>7.3f}")
    exact = len(cases) - len({query for query, *_ in errors})
    print(f"queries with every slot right: {exact}/{len(cases)}")
    if show_errors:
        for query, slot, want, have in errors:
            print(f"  {query!r} {slot}: want {sorted(want)} got {sorted(have)}")


if __name__ == "__main__":
    main()

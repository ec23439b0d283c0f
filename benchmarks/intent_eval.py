"""Per-slot precision/recall of the rule intent parser on tests/data/intent_queries.jsonl.

    .venv/bin/python -m benchmarks.intent_eval [--errors]

Each line holds a query and its expected slots (missing slots are expected empty). List slots
count one item per value (references and people compare case-insensitively); scalar slots
(years, runtime) count as one item when set; `text` counts its words. Prints p50/p95 parse
time too. Record results in RESULTS.md.

Lines marked `"split": "holdout"` were written after the rules were tuned on the others and are
reported apart, as the honest figure.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from typing import Any

from mediagateway.evaluation.intent import catalog_vocabulary, load_cases, ratio, score
from subgraphs.content.intent.domain.rules import parse_intent
from subgraphs.content.intent.domain.vocabulary import Vocabulary

__all__ = ["main"]


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
        print(f"{slot:<16} {tp + fn:>7} {ratio(tp, tp + fp):>9.3f} {ratio(tp, tp + fn):>7.3f}")
    print(f"{'all (micro)':<16} {total['tp'] + total['fn']:>7} "
          f"{ratio(total['tp'], total['tp'] + total['fp']):>9.3f} "
          f"{ratio(total['tp'], total['tp'] + total['fn']):>7.3f}")
    exact = len(cases) - len({query for query, *_ in errors})
    print(f"queries with every slot right: {exact}/{len(cases)}")
    if show_errors:
        for query, slot, want, have in errors:
            print(f"  {query!r} {slot}: want {sorted(want)} got {sorted(have)}")


if __name__ == "__main__":
    main()

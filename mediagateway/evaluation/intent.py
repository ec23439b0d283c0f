"""The rule intent parser against the labelled queries in tests/data/intent_queries.jsonl:
per-slot counts, for the benchmark (`benchmarks/intent_eval.py`) and the test that keeps a floor.

List slots count one item per value (references and people compare case-insensitively); scalar
slots (years, runtime) count as one item when set; `text` counts its words.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mediagateway.demo.content import PLATFORMS
from mediagateway.movielens import GENRES
from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.intent.domain.vocabulary import Vocabulary

__all__ = ["CASES", "SLOTS", "catalog_vocabulary", "load_cases", "ratio", "score"]

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "data" / "intent_queries.jsonl"
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


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0

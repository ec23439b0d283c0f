"""Entity resolution keeps a floor on the labelled duplicates (tests/data/duplicates.jsonl)."""

from __future__ import annotations

from mediagateway.evaluation.resolution import evaluate, load_cases, movielens_entries


async def test_rules_resolve_duplicates_precisely() -> None:
    cases = load_cases()
    assert len(cases) >= 50 and sum(1 for c in cases if c["duplicate_of"] is None) >= 15
    counts, mistakes = await evaluate(cases, movielens_entries())
    matched = counts["tp"] + counts["wrong"] + counts["fp"]
    duplicates = counts["tp"] + counts["wrong"] + counts["fn"]
    assert counts["tp"] / matched >= 0.95, mistakes
    assert counts["tp"] / duplicates >= 0.85, mistakes

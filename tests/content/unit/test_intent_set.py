"""The rule parser keeps a floor on the labelled query set (tests/data/intent_queries.jsonl)."""

from __future__ import annotations

from mediagateway.evaluation.intent import catalog_vocabulary, load_cases, score
from subgraphs.content.intent.domain.rules import parse_intent


def test_the_labelled_set_is_large_enough() -> None:
    assert len(load_cases()) >= 150


def test_rule_parser_meets_its_floor() -> None:
    vocabulary = catalog_vocabulary()
    counts, errors = score(lambda query: parse_intent(query, vocabulary), load_cases())
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    assert tp / (tp + fp) >= 0.95, errors
    assert tp / (tp + fn) >= 0.95, errors
    for slot, (slot_tp, _, slot_fn) in counts.items():
        if slot_tp + slot_fn >= 10:
            assert slot_tp / (slot_tp + slot_fn) >= 0.85, (slot, errors)

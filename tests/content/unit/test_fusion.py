"""Fusion math: Weaviate's relativeScoreFusion and rankedFusion, and the weighted blend."""

from __future__ import annotations

import pytest

from subgraphs.content.search.domain.fusion import (
    REFERENCE_WEIGHTS,
    Weights,
    blend,
    min_max,
    ranked_fusion,
    relative_score_fusion,
)


def test_min_max_scales_to_unit_range() -> None:
    assert min_max({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert min_max({"a": 7.0}) == {"a": 1.0}
    assert min_max({}) == {}


def test_relative_score_fusion_weights_each_side_and_missing_is_zero() -> None:
    fused = relative_score_fusion({"a": 0.9, "b": 0.5}, {"b": 10.0, "c": 2.0}, alpha=0.75)
    assert fused["a"] == pytest.approx((0.75, 0.0))
    assert fused["b"] == pytest.approx((0.0, 0.25))
    assert fused["c"] == pytest.approx((0.0, 0.0))


def test_ranked_fusion_is_reciprocal_rank_with_k_60() -> None:
    fused = ranked_fusion({"a": 0.9, "b": 0.8}, {"b": 3.0, "c": 1.0}, alpha=0.5)
    assert fused["a"] == pytest.approx((0.5 / 61, 0.0))
    assert fused["b"] == pytest.approx((0.5 / 62, 0.5 / 61))
    assert fused["c"] == pytest.approx((0.0, 0.5 / 62))


def test_reference_queries_use_the_issue_weights() -> None:
    weights = Weights.for_query(alpha=0.6, has_references=True, has_personal=False)
    assert weights == REFERENCE_WEIGHTS
    assert (weights.vector, weights.keyword, weights.graph, weights.popularity) == (
        0.35, 0.20, 0.30, 0.15)
    plain = Weights.for_query(alpha=0.6, has_references=False, has_personal=False)
    assert (plain.vector, plain.keyword, plain.graph) == (0.6, pytest.approx(0.4), 0.0)


def test_personal_part_takes_its_share_and_keeps_the_total_at_most_one() -> None:
    weights = Weights.for_query(alpha=0.5, has_references=True, has_personal=True)
    total = (weights.vector + weights.keyword + weights.graph + weights.popularity
             + weights.personal)
    assert total == pytest.approx(1.0)
    assert weights.personal == pytest.approx(0.15)


def test_blend_reports_parts_and_none_for_parts_that_did_not_run() -> None:
    parts = blend(
        REFERENCE_WEIGHTS,
        vector={"a": 0.9, "b": 0.1},
        keyword=None,  # failed
        graph={"b": 1.0},
        popularity={"a": 0.2, "b": 1.0},
    )
    assert parts["a"].keyword is None and parts["a"].personal is None
    # alpha inside the text sides = 0.35 / 0.55; scaled back so the best vector hit gets 0.35.
    assert parts["a"].vector == pytest.approx(0.35)
    assert parts["b"].vector == pytest.approx(0.0)
    assert parts["b"].graph == pytest.approx(0.30)
    assert parts["b"].popularity == pytest.approx(0.15)
    assert parts["b"].total == pytest.approx(0.45)
    assert parts["a"].total == pytest.approx(0.35 + 0.15 * 0.2)


def test_blend_with_ranked_fusion_gives_the_top_hit_the_side_weight() -> None:
    parts = blend(Weights(vector=0.5, keyword=0.5), vector={"a": 1.0}, keyword={"a": 9.0},
                  fusion="ranked")
    assert parts["a"].vector == pytest.approx(0.5)
    assert parts["a"].keyword == pytest.approx(0.5)

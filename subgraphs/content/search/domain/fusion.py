"""Fusing ranked lists into one score, the way Weaviate does, plus our graph/popularity parts.

`relative_score_fusion` (the default) min-max normalises each side to 0..1 and adds
`alpha * vector + (1 - alpha) * keyword`, a side that did not find a title counting 0.
`ranked_fusion` is reciprocal rank fusion, `alpha / (60 + rank)` per side. Both mirror
Weaviate's `relativeScoreFusion` and `rankedFusion`, so the engines rank alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from subgraphs.content.search.domain.model import ScoreParts

__all__ = [
    "DEFAULT_ALPHA",
    "REFERENCE_WEIGHTS",
    "RRF_K",
    "Weights",
    "blend",
    "min_max",
    "ranked_fusion",
    "relative_score_fusion",
]

K = TypeVar("K", bound=Hashable)

RRF_K = 60
DEFAULT_ALPHA = 0.5  # tuned on the MovieLens relevance set (benchmarks/RESULTS.md)
RELATIVE = "relativeScore"
RANKED = "ranked"


def min_max(scores: Mapping[K, float]) -> dict[K, float]:
    """Scale to 0..1; one distinct value (or one hit) scales to 1, as Weaviate does."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return dict.fromkeys(scores, 1.0)
    return {key: (value - low) / (high - low) for key, value in scores.items()}


def relative_score_fusion(
    vector: Mapping[K, float], keyword: Mapping[K, float], alpha: float
) -> dict[K, tuple[float, float]]:
    """Per key: (alpha * normalised vector, (1 - alpha) * normalised keyword)."""
    v, k = min_max(vector), min_max(keyword)
    return {key: (alpha * v.get(key, 0.0), (1 - alpha) * k.get(key, 0.0)) for key in {*v, *k}}


def _ranks(scores: Mapping[K, float]) -> dict[K, int]:
    ordered = sorted(scores, key=lambda key: -scores[key])
    return {key: rank for rank, key in enumerate(ordered, start=1)}


def ranked_fusion(
    vector: Mapping[K, float], keyword: Mapping[K, float], alpha: float, k: int = RRF_K
) -> dict[K, tuple[float, float]]:
    """Per key: (alpha / (k + vector rank), (1 - alpha) / (k + keyword rank)); absent = 0."""
    v, kw = _ranks(vector), _ranks(keyword)
    return {
        key: (alpha / (k + v[key]) if key in v else 0.0,
              (1 - alpha) / (k + kw[key]) if key in kw else 0.0)
        for key in {*v, *kw}
    }


@dataclass(frozen=True)
class Weights:
    """How much each normalised part counts in the total."""

    vector: float
    keyword: float
    graph: float = 0.0
    popularity: float = 0.0
    personal: float = 0.0

    @classmethod
    def for_query(cls, alpha: float, has_references: bool, has_personal: bool) -> Weights:
        base = REFERENCE_WEIGHTS if has_references else cls(vector=alpha, keyword=1 - alpha)
        if not has_personal:
            return base
        # The personal part takes its share from the others, keeping the total at most 1.
        share = PERSONAL_SHARE
        return cls(vector=base.vector * (1 - share), keyword=base.keyword * (1 - share),
                   graph=base.graph * (1 - share), popularity=base.popularity * (1 - share),
                   personal=share)


# When the query names a title ("like Toy Story"): the weights.
REFERENCE_WEIGHTS = Weights(vector=0.35, keyword=0.20, graph=0.30, popularity=0.15)
PERSONAL_SHARE = 0.15


def blend(
    weights: Weights,
    *,
    vector: Mapping[K, float] | None,
    keyword: Mapping[K, float] | None,
    graph: Mapping[K, float] | None = None,
    popularity: Mapping[K, float] | None = None,
    personal: Mapping[K, float] | None = None,
    fusion: str = RELATIVE,
) -> dict[K, ScoreParts]:
    """Score parts per key. A part given as `None` failed or did not run: it stays `None`.

    Vector and keyword are fused by `fusion` (normalised within the result set); graph,
    popularity and personal are already 0..1 and only weighted. Keys are those any side found.
    """
    keys: set[K] = set()
    for side in (vector, keyword, graph, personal):
        keys.update(side or ())
    total_text = weights.vector + weights.keyword
    alpha = weights.vector / total_text if total_text else 0.5
    if fusion == RANKED:
        sides = ranked_fusion(vector or {}, keyword or {}, alpha)
        # RRF scores are tiny (<= 1/61); scale so the best possible equals the side's weight.
        scale = total_text * (RRF_K + 1)
    else:
        sides = relative_score_fusion(vector or {}, keyword or {}, alpha)
        scale = total_text
    out: dict[K, ScoreParts] = {}
    for key in keys:
        v, k = sides.get(key, (0.0, 0.0))
        out[key] = ScoreParts(
            vector=None if vector is None else v * scale,
            keyword=None if keyword is None else k * scale,
            graph=None if graph is None else weights.graph * graph.get(key, 0.0),
            popularity=None if popularity is None else weights.popularity * popularity.get(
                key, 0.0),
            personal=None if personal is None else weights.personal * personal.get(key, 0.0),
        )
    return out

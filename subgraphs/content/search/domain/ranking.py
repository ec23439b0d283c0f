"""From a search's sides to one ranked list: the keyword part with the titles the query names
folded in, the weights for the kind of query, the blended parts and their order."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from subgraphs.content.search.domain.fusion import Weights, blend, min_max
from subgraphs.content.search.domain.model import RawHit, ScoreParts

__all__ = ["TITLE_MATCH_BONUS", "Side", "TitleMatches", "candidates", "choose_weights",
           "fold_title_matches", "rank", "score"]

# Added to the keyword part of a title the query names (times the match's strength): a typo
# ("titanik") leaves BM25 and the embedding with nothing, and relative fusion would otherwise
# tie the named title with whatever the vector side happened to rank first.
TITLE_MATCH_BONUS = 0.5


@dataclass
class Side:
    """One part's answer: raw scores by title (None when the part failed) and its rows."""

    name: str
    scores: dict[uuid.UUID, float] | None
    hits: list[RawHit]


@dataclass(frozen=True)
class TitleMatches:
    """Titles the query names, typos allowed: strength 0..1, and the index rows of those that
    pass the filters."""

    strength: dict[uuid.UUID, float] = field(default_factory=dict)
    hits: dict[uuid.UUID, RawHit] = field(default_factory=dict)


def fold_title_matches(sides: dict[str, Side], named: TitleMatches
                       ) -> dict[uuid.UUID, float] | None:
    """The keyword part: the engine's scores normalised, each named title raised to its match's
    strength (its row joins the keyword side's hits). None when the keyword side failed or did
    not run and the query names no title."""
    keyword = sides.get("keyword")
    if (keyword is None or keyword.scores is None) and not named.hits:
        return None
    scores = min_max(keyword.scores or {}) if keyword else {}
    for title_id in named.hits:
        scores[title_id] = max(scores.get(title_id, 0.0), named.strength[title_id])
    sides.setdefault("keyword", Side("keyword", scores, []))
    sides["keyword"].hits.extend(named.hits.values())
    return scores


def candidates(sides: Mapping[str, Side]) -> dict[uuid.UUID, RawHit]:
    """Every title a side found, with the first row found for it."""
    found: dict[uuid.UUID, RawHit] = {}
    for side in sides.values():
        for hit in side.hits:
            found.setdefault(hit.id, hit)
    return found


def choose_weights(alpha: float, *, browsing: bool, references: bool, personal: bool,
                   slots_only: bool) -> Weights:
    if browsing:
        return Weights(vector=0.0, keyword=0.0, popularity=1.0)
    weights = Weights.for_query(alpha, references, personal)
    if not references and slots_only:
        # Only slots ("90s comedies"): meaning alone ranks poorly, popularity helps.
        weights = replace(weights, vector=weights.vector * 0.7, keyword=weights.keyword * 0.7,
                          popularity=0.3)
    return weights


def score(
    weights: Weights,
    sides: Mapping[str, Side],
    keyword: dict[uuid.UUID, float] | None,
    found: Mapping[uuid.UUID, RawHit],
    personal: dict[uuid.UUID, float],
    named: TitleMatches,
    fusion: str,
) -> dict[uuid.UUID, ScoreParts]:
    """Each candidate's weighted parts; a named title gets its bonus on the keyword part."""
    popularity = {title_id: min(max(hit.popularity, 0.0), 1.0) for title_id, hit in found.items()}
    vector_side = sides.get("vector")
    graph_side = sides.get("graph")
    parts = blend(
        weights,
        vector=vector_side.scores if vector_side else None,
        keyword=keyword,
        graph=graph_side.scores if graph_side else None,
        popularity=popularity if weights.popularity else None,
        personal=personal or None,
        fusion=fusion,
    )
    for title_id in named.hits:
        if title_id in parts:
            part = parts[title_id]
            parts[title_id] = replace(part, keyword=(part.keyword or 0.0)
                                      + TITLE_MATCH_BONUS * named.strength[title_id])
    return parts


def rank(parts: Mapping[uuid.UUID, ScoreParts]) -> list[uuid.UUID]:
    """Best total first; ties in id order, so pages never overlap."""
    totals = {title_id: part.total for title_id, part in parts.items()}
    return sorted(parts, key=lambda title_id: (-totals[title_id], str(title_id)))

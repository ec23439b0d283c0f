"""The ranker: popularity within the genres a user likes; pure functions, no I/O.

Popularity of a title (`popularity_score`) is a Bayesian average rating times the log of how
much it is watched:

    bayes    = (C * M + rating_sum) / (C + rating_count)      C = 10 pseudo-votes, M = 3.5
    activity = max(view_count, catalog vote_count)
    score    = bayes / 5 * ln(2 + activity)

The Bayesian average keeps a title with two 5-star ratings from beating one with thousands of
4.5s; the log keeps blockbusters from drowning everything. Our own viewers' ratings are the
evidence once there are any, the catalog's average and vote count until then (taking the larger
activity rather than the sum, because in the demo both count the same MovieLens ratings).

A user's genre affinity sums a weight per interaction over the title's genres: a rating of 4 or
5 counts 2, a 3 counts 1, 1 or 2 counts -1, an unrated completed view 1 and an unrated partial
one 0.5 (decay of older events is a later issue). The top genres (up to 3, positive affinity
only) pick the candidates, which rank by popularity times how much of the user's affinity they
match. Fewer than `PERSONALISED_AFTER` titles watched is a cold start: the signup genres, else
what is popular overall. Lists are topped up with popular titles, always after the genre matches:
genre matches score in [1, 2), fillers in [0, 1), so the scores order the list.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from subgraphs.recommendations.domain.model import Interaction, Recommendation, TitleSignal

__all__ = [
    "PERSONALISED_AFTER",
    "Basis",
    "Plan",
    "genre_affinity",
    "genre_name",
    "plan",
    "popularity_score",
    "rank",
    "similar",
]

PRIOR_VOTES = 10
PRIOR_MEAN = 3.5
MAX_RATING = 5
PERSONALISED_AFTER = 3
TOP_GENRES = 3
POPULAR_REASON = "Popular right now"


class Basis(StrEnum):
    HISTORY = "history"
    SIGNUP = "signup"
    POPULAR = "popular"


@dataclass(frozen=True)
class Plan:
    """Which genres to draw candidates from, weighted, and why."""

    basis: Basis
    genres: Mapping[str, float]
    watched: frozenset[uuid.UUID]


def popularity_score(signal: TitleSignal) -> float:
    if signal.rating_count:
        rating_sum, rating_count = float(signal.rating_sum), signal.rating_count
    elif signal.average_rating is not None and signal.vote_count:
        rating_sum, rating_count = signal.average_rating * signal.vote_count, signal.vote_count
    else:
        rating_sum, rating_count = 0.0, 0
    bayes = (PRIOR_VOTES * PRIOR_MEAN + rating_sum) / (PRIOR_VOTES + rating_count)
    activity = max(signal.view_count, signal.vote_count)
    return bayes / MAX_RATING * math.log(2 + activity)


def _weight(interaction: Interaction) -> float:
    if interaction.rating is None:
        return 1.0 if interaction.completed else 0.5
    if interaction.rating >= 4:
        return 2.0
    return 1.0 if interaction.rating == 3 else -1.0


def genre_affinity(
    interactions: Iterable[Interaction], genres_by_title: Mapping[uuid.UUID, Sequence[str]]
) -> dict[str, float]:
    """How much the user likes each genre, from what they watched and how they rated it."""
    affinity: defaultdict[str, float] = defaultdict(float)
    for interaction in interactions:
        for genre in genres_by_title.get(interaction.title_id, ()):
            affinity[genre] += _weight(interaction)
    return dict(affinity)


def _top(affinity: Mapping[str, float]) -> dict[str, float]:
    ranked = sorted(
        ((genre, value) for genre, value in affinity.items() if value > 0),
        key=lambda item: (-item[1], item[0]),
    )
    return dict(ranked[:TOP_GENRES])


def plan(
    interactions: Sequence[Interaction],
    genres_by_title: Mapping[uuid.UUID, Sequence[str]],
    signup_genres: Sequence[str] = (),
) -> Plan:
    """Personalised from history after 3 titles, else signup genres, else popular overall."""
    watched = frozenset(interaction.title_id for interaction in interactions)
    if len(watched) >= PERSONALISED_AFTER:
        top = _top(genre_affinity(interactions, genres_by_title))
        if top:
            return Plan(Basis.HISTORY, top, watched)
    if signup_genres:
        return Plan(Basis.SIGNUP, {g: 1.0 for g in dict.fromkeys(signup_genres)}, watched)
    return Plan(Basis.POPULAR, {}, watched)


def genre_name(slug: str) -> str:
    return slug.replace("-", " ").title()


def _reason(matched: Sequence[str], basis: Basis) -> str:
    names = [genre_name(genre) for genre in matched[:2]]
    why = "which you rate highly" if basis is Basis.HISTORY else "which you picked at signup"
    return f"Popular in {' and '.join(names)}, {why}"


def _unit(score: float) -> float:
    return score / (1 + score)


def rank(
    chosen: Plan,
    candidates: Iterable[TitleSignal],
    popular: Iterable[TitleSignal],
    first: int,
) -> list[Recommendation]:
    """Genre matches by popularity x affinity matched, then popular titles to fill the list."""
    total = sum(chosen.genres.values()) or 1.0
    matches: list[Recommendation] = []
    for signal in candidates:
        if signal.title_id in chosen.watched:
            continue
        matched = sorted(
            (g for g in signal.genres if g in chosen.genres),
            key=lambda g: (-chosen.genres[g], g),
        )
        if not matched:
            continue
        share = sum(chosen.genres[g] for g in matched) / total
        matches.append(
            Recommendation(signal.title_id, 1 + share * _unit(signal.score),
                           _reason(matched, chosen.basis))
        )
    matches.sort(key=lambda r: (-r.score, str(r.title_id)))
    result = matches[:first]
    taken = {r.title_id for r in result} | chosen.watched
    fillers = sorted(
        (s for s in popular if s.title_id not in taken), key=lambda s: (-s.score, str(s.title_id))
    )
    for signal in fillers[: first - len(result)]:
        result.append(Recommendation(signal.title_id, _unit(signal.score), POPULAR_REASON))
    return result


def similar(source: TitleSignal, candidates: Iterable[TitleSignal], first: int) -> list[uuid.UUID]:
    """Titles sharing the most genres with `source`, then the most popular; never itself."""
    genres = set(source.genres)
    scored = [
        (len(genres.intersection(c.genres)), c.score, c.title_id)
        for c in candidates
        if c.title_id != source.title_id
    ]
    scored = [item for item in scored if item[0] > 0]
    scored.sort(key=lambda item: (-item[0], -item[1], str(item[2])))
    return [title_id for _, _, title_id in scored[:first]]

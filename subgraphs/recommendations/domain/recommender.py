"""From one user's facts to a ranked, explained, diverse list; pure, no I/O.

The steps: the user's history (viewing plus WATCHED feedback, with engagement weights) and
context become a `Query`; the engine scores every title; the best few hundred not hidden
(watched, disliked, not interested) form a pool; the caller drops what the active profile may
not see; MMR picks the list; each item says why, citing titles where it can.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from subgraphs.recommendations.domain.context import SHORT_DEVICES, mood_genres, region_name
from subgraphs.recommendations.domain.engine import scoring
from subgraphs.recommendations.domain.engine.diversity import mmr
from subgraphs.recommendations.domain.engine.engagement import engagement
from subgraphs.recommendations.domain.engine.model import HistoryItem, SonaModel
from subgraphs.recommendations.domain.model import (
    Feedback,
    FeedbackSignal,
    Interaction,
    ReasonKind,
    Recommendation,
    RecommendationContext,
    TitleSignal,
    UserTaste,
)

__all__ = [
    "NEW_OFFER_DAYS",
    "PERSONALISED_AFTER",
    "UserFacts",
    "because_text",
    "credits",
    "explain",
    "hidden_titles",
    "history",
    "pool",
    "query",
    "select",
    "similar",
]

PERSONALISED_AFTER = 3
NEW_OFFER_DAYS = 30
# Bonus (in standardised units) for a title new on a platform the user has, and for a short
# title on a phone; small, so they break near-ties rather than override taste.
_NEW_BONUS = 0.3
_SHORT_BONUS = 0.2
_SHORT_MINUTES = 100


@dataclass(frozen=True)
class UserFacts:
    interactions: Sequence[Interaction] = ()
    feedback: Sequence[Feedback] = ()
    taste: UserTaste | None = None
    adapter: np.ndarray | None = None

    # Derived once per set of facts: a held snapshot serves many requests.
    @cached_property
    def timeline(self) -> list[HistoryItem]:
        return history(self.interactions, self.feedback)

    @cached_property
    def hidden(self) -> frozenset[uuid.UUID]:
        return frozenset(hidden_titles(self.interactions, self.feedback))

    @cached_property
    def memo(self) -> dict[str, object]:
        """What scoring keeps of these facts between requests (`scoring.Query.memo`)."""
        return {}

    def with_adapter(self, adapter: np.ndarray | None) -> UserFacts:
        """The same facts with this adapter, keeping what was derived from them."""
        out = UserFacts(self.interactions, self.feedback, self.taste, adapter)
        # Derived on self, which is the held copy, so the next request finds them too.
        for name in ("timeline", "hidden", "memo"):
            out.__dict__[name] = getattr(self, name)
        return out


def history(interactions: Sequence[Interaction], feedback: Sequence[Feedback]
            ) -> list[HistoryItem]:
    """Oldest first; a title watched again counts as a rewatch. WATCHED and LIKE feedback on a
    title not in the history add it, as the newest thing the user told us."""
    seen: set[uuid.UUID] = set()
    events: list[tuple[float, HistoryItem]] = []
    for i in sorted(interactions, key=lambda i: i.occurred_at):
        weight = engagement(i.rating, i.completed, i.progress, rewatch=i.title_id in seen)
        seen.add(i.title_id)
        events.append((i.occurred_at.timestamp(), HistoryItem(i.title_id, weight,
                                                              i.occurred_at.timestamp())))
    for f in feedback:
        if f.signal in (FeedbackSignal.WATCHED, FeedbackSignal.LIKE) and f.title_id not in seen:
            seen.add(f.title_id)
            at = f.occurred_at.timestamp()
            events.append((at, HistoryItem(f.title_id, 1.0, at)))
    events.sort(key=lambda e: e[0])
    return [item for _, item in events]


def hidden_titles(interactions: Sequence[Interaction], feedback: Sequence[Feedback]
                  ) -> set[uuid.UUID]:
    hidden = {i.title_id for i in interactions}
    latest: dict[uuid.UUID, FeedbackSignal] = {}
    for f in sorted(feedback, key=lambda f: f.occurred_at):
        latest[f.title_id] = f.signal
    hidden |= {title for title, signal in latest.items() if signal.hides}
    return hidden


def query(facts: UserFacts, context: RecommendationContext, now: float) -> scoring.Query:
    """Personalised from history once 3 titles are known; before, signup genres and trending."""
    items = facts.timeline
    personal = len({h.title_id for h in items}) >= PERSONALISED_AFTER
    seeds = [*mood_genres(context.mood)]
    if not personal and facts.taste:
        seeds += list(facts.taste.preferred_genres)
    return scoring.Query(
        history=items if personal else (),
        seed_genres=tuple(dict.fromkeys(seeds)),
        region=facts.taste.home_region if facts.taste else None,
        hour=context.hour, weekday=context.weekday,
        adapter=facts.adapter if personal or facts.feedback else None,
        now=now, memo=facts.memo,
    )


def pool(model: SonaModel, scored: scoring.Scored, hidden: Set[uuid.UUID], size: int
         ) -> list[int]:
    """The `size` best item indices, best first, leaving hidden titles out."""
    total = scored.total.copy()
    hide = model.indices(list(hidden))
    total[hide[hide >= 0]] = -np.inf
    size = min(size, int(np.isfinite(total).sum()))
    if size <= 0:
        return []
    top = np.argpartition(-total, size - 1)[:size] if size < len(total) else np.arange(len(total))
    return [int(i) for i in top[np.argsort(-total[top], kind="stable")]]


def _bonus(signal: TitleSignal | None, facts: UserFacts, context: RecommendationContext,
           now: float) -> tuple[float, str | None]:
    """Small boosts from the title's facts; returns the platform a title is new on, if any."""
    if signal is None:
        return 0.0, None
    bonus, platform = 0.0, None
    taste = facts.taste
    if taste and taste.home_region and taste.subscribed_platforms and signal.offers:
        offered = signal.offers.get(taste.home_region, {})
        fresh = [p for p in taste.subscribed_platforms
                 if p in offered and now - offered[p] <= NEW_OFFER_DAYS * 86_400]
        if fresh:
            bonus, platform = _NEW_BONUS, fresh[0]
    runtime = signal.runtime_minutes
    if context.device_kind in SHORT_DEVICES and runtime and runtime <= _SHORT_MINUTES:
        bonus += _SHORT_BONUS
    return bonus, platform


def select(
    model: SonaModel, scored: scoring.Scored, candidates: Sequence[int],
    signals: Mapping[uuid.UUID, TitleSignal], facts: UserFacts,
    context: RecommendationContext, count: int, diversity: float, now: float,
) -> list[tuple[int, float, str | None]]:
    """MMR over the allowed pool: (item, score, platform it is new on)."""
    boosted = []
    for item in candidates:
        bonus, platform = _bonus(signals.get(model.item_ids[item]), facts, context, now)
        boosted.append((item, float(scored.total[item]) + bonus, platform))
    boosted.sort(key=lambda b: -b[1])
    order = mmr(model.embedding, [b[0] for b in boosted], np.array([b[1] for b in boosted]),
                count, 1.0 - diversity)
    by_item = {b[0]: b for b in boosted}
    return [by_item[i] for i in order]


def credits(model: SonaModel, scored: scoring.Scored, items: Sequence[int]
            ) -> list[dict[int, float]]:
    """Per item, how much each history title added to its fused score (through the
    collaborative and graph parts); one column read per matrix for all items."""
    out: list[dict[int, float]] = [{} for _ in items]
    weights = model.params.weights
    sources = ((scored.history_rows, scored.history, scored.history_weights, "collaborative",
                weights.collaborative),
               (scored.last_rows, scored.last, scored.last_weights, "graph", weights.graph))
    for rows, history, history_weights, part, weight in sources:
        if rows is None or part not in scored.parts or not len(items):
            continue
        # Columns straight from the CSR rows: a CSC copy of them costs more than the pick.
        block = rows[:, list(items)].toarray() * (
            np.asarray(history_weights)[:, None] * (weight / scored.scale[part]))
        history_ids = np.asarray(history)
        for j, column in enumerate(block.T):
            rows_hit = np.flatnonzero(column)
            cited = out[j]
            # Plain Python numbers: numpy scalars cost several times more per entry.
            for h, value in zip(history_ids[rows_hit].tolist(), column[rows_hit].tolist(),
                                strict=True):
                cited[h] = cited.get(h, 0.0) + value
    return out


def explain(
    model: SonaModel, scored: scoring.Scored, item: int, cited: Mapping[int, float],
    facts: UserFacts, context: RecommendationContext, signal: TitleSignal | None,
    new_platform: str | None, platform_names: Mapping[str, str],
) -> tuple[ReasonKind, str, tuple[uuid.UUID, ...]]:
    """Why `item`: the titles behind it (`cited`, from `credits`) when history dominates, else
    the strongest other part.

    For BECAUSE_WATCHED the text is left empty: `because_text` writes it once the cited
    titles' names are known."""
    weights = model.params.weights
    history_share = sum(v for v in cited.values() if v > 0)
    content = weights.content * float(scored.parts.get("content", np.zeros(1))[item]
                                      if "content" in scored.parts else 0.0)
    context_part = weights.context * float(scored.parts["context"][item]
                                           if "context" in scored.parts else 0.0)
    ranked = sorted((h for h, v in cited.items() if v > 0), key=lambda h: -cited[h])
    if ranked and history_share >= max(content, context_part, 0.0):
        top = [model.item_ids[h] for h in ranked[:2]]
        if len(top) == 2 and cited[ranked[1]] < 0.5 * cited[ranked[0]]:
            top = top[:1]
        return ReasonKind.BECAUSE_WATCHED, "", tuple(top)
    if new_platform:
        label = platform_names.get(new_platform, new_platform)
        return ReasonKind.NEW_ON_PLATFORM, f"New on {label}, which you have", ()
    genres = [g for g in (signal.genres if signal else ()) if g in model.feature_names]
    mood = mood_genres(context.mood)
    if mood and set(mood) & set(genres):
        return ReasonKind.MOOD, f"For a {context.mood} mood", ()
    taste = facts.taste
    if not len(scored.history) and taste and set(taste.preferred_genres) & set(genres):
        picked = [g for g in genres if g in taste.preferred_genres][:2]
        return (ReasonKind.SIGNUP,
                f"Popular in {_genres(picked)}, which you picked at signup", ())
    if content > context_part and scored.profile is not None and genres:
        liked = sorted(genres, key=lambda g: -scored.profile[model.feature_names.index(g)])[:2]
        return ReasonKind.TASTE, f"Because you like {_genres(liked)}", ()
    region = taste.home_region if taste else None
    if region and region in model.trending_by_region:
        return ReasonKind.TRENDING, f"Trending in {region_name(region)} this week", ()
    if float(model.trending[item]) > 0:
        return ReasonKind.TRENDING, "Trending this week", ()
    return ReasonKind.POPULAR, "Popular right now", ()


def because_text(cited: Sequence[uuid.UUID], names: Mapping[uuid.UUID, str]) -> str:
    named = [names.get(t) or "a title you watched" for t in cited]
    return f"Because you watched {' and '.join(named)}"


def _genres(slugs: Sequence[str]) -> str:
    return " and ".join(s.replace("-", " ").title() for s in slugs)


def similar(model: SonaModel, item: int, count: int) -> list[tuple[int, float]]:
    """Titles like `item`: co-watching (collaborative and transitions, both ways) and content."""
    parts = []
    for matrix, by_target in ((model.collaborative, model.collaborative_by_target),
                              (model.transitions, model.transitions_by_target)):
        both = np.zeros(model.size, np.float64)
        for rows in (matrix, by_target):
            start, stop = rows.indptr[item], rows.indptr[item + 1]
            # A CSR row holds each column once, so a fancy += adds every entry.
            both[rows.indices[start:stop]] += rows.data[start:stop]
        parts.append(both)
    parts.append(model.features @ model.features[item])
    parts.append(np.asarray(model.people @ model.people[item].T.toarray()).ravel()
                 if model.people.nnz else np.zeros(model.size))
    total = np.zeros(model.size, np.float32)
    for weight, part in zip((0.45, 0.2, 0.2, 0.15), parts, strict=True):
        standard = scoring.standardise(part)
        if standard is not None:
            total += np.float32(weight) * standard[0]
    total[item] = -np.inf
    count = min(count, model.size - 1)
    if count <= 0:
        return []
    top = np.argpartition(-total, count - 1)[:count]
    top = top[np.argsort(-total[top], kind="stable")]
    return [(int(i), float(total[i])) for i in top]


def as_recommendation(model: SonaModel, item: int, score: float, kind: ReasonKind, text: str,
                      cited: tuple[uuid.UUID, ...]) -> Recommendation:
    return Recommendation(model.item_ids[item], score, text, kind, cited)

"""Recommendation use cases: async functions over the repository and the served model.

Resolvers and event handlers call these; they raise domain errors and know nothing of GraphQL.
When no model has been built yet (a fresh stack, before the worker's first run) lists come from
the popularity ranker, so the API answers from the first event on.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from subgraphs.common.metrics import timed
from subgraphs.recommendations.domain import ranker, recommender
from subgraphs.recommendations.domain.context import MOOD_GENRES
from subgraphs.recommendations.domain.engine import adapter, scoring
from subgraphs.recommendations.domain.engine.adapter import AdapterState
from subgraphs.recommendations.domain.engine.model import SonaModel
from subgraphs.recommendations.domain.errors import (
    InvalidContext,
    InvalidCount,
    NotYourProfile,
    ProfileRestricted,
    TooManyTitles,
)
from subgraphs.recommendations.domain.model import (
    Feedback,
    FeedbackSignal,
    Interaction,
    ProfileLimits,
    ReasonKind,
    Recommendation,
    RecommendationContext,
    TitleFacts,
    TitleSignal,
    UserTaste,
)
from subgraphs.recommendations.domain.ports import RecommendationsRepository
from subgraphs.recommendations.settings import NAME

__all__ = [
    "MAX_FIRST",
    "MAX_SCORED",
    "Page",
    "ScoresMemo",
    "absorb_interactions",
    "absorb_profiles",
    "absorb_tastes",
    "absorb_titles",
    "check_context",
    "check_first",
    "give_feedback",
    "personal_scores",
    "recommend",
    "similar_titles",
]

# Fused scores of the whole catalog per (user, stamp, model version).
ScoresMemo = MutableMapping[tuple[uuid.UUID, int | None, str], np.ndarray]

MAX_FIRST = 100
MAX_SCORED = 100
# How deep into the ranking a list may page.
MAX_DEPTH = 500
VIEWING_TARGET = 1.0
_CANDIDATES = 300
# Platform slugs as people say them, for explanations.
PLATFORM_NAMES = {
    "netflix": "Netflix", "prime_video": "Prime Video", "disney_plus": "Disney+",
    "hulu": "Hulu", "apple_tv_plus": "Apple TV+", "max": "Max", "peacock": "Peacock",
    "paramount_plus": "Paramount+", "youtube": "YouTube", "bbc_iplayer": "BBC iPlayer",
}


@dataclass(frozen=True)
class Page:
    items: list[Recommendation]
    total: int
    model_version: str | None


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_FIRST:
        raise InvalidCount(first, MAX_FIRST)
    return first


def check_context(context: RecommendationContext, diversity: float) -> None:
    if context.hour is not None and not 0 <= context.hour <= 23:
        raise InvalidContext("`hour` must be between 0 and 23.", "hour")
    if context.weekday is not None and not 0 <= context.weekday <= 6:
        raise InvalidContext("`weekday` must be between 0 (Monday) and 6.", "weekday")
    if context.mood is not None and context.mood.strip().lower() not in MOOD_GENRES:
        raise InvalidContext(
            f"Unknown mood {context.mood!r}; known: {', '.join(sorted(MOOD_GENRES))}.", "mood")
    if not (0.0 <= diversity <= 1.0) or math.isnan(diversity):
        raise InvalidContext("`diversity` must be between 0 and 1.", "diversity")


async def profile_limits(
    repo: RecommendationsRepository, user_id: uuid.UUID, profile_id: uuid.UUID | None,
    acting: uuid.UUID | None = None,
) -> ProfileLimits | None:
    """The limits of the profile asked for, or else of the one the token acts as; a profile of
    another household is refused, and so is looking past a limited profile the token acts as
    (a child's token cannot ask for a parent's list)."""
    wanted = profile_id or acting
    if wanted is None:
        return None
    ids = {wanted} | ({acting} if acting else set())
    found = await repo.profiles_by_ids(list(ids))
    chosen = found.get(wanted)
    if chosen is None or chosen.deleted or chosen.user_id != user_id:
        raise NotYourProfile(wanted)
    current = found.get(acting) if acting else None
    if current is not None and wanted != acting and current.restricts:
        raise ProfileRestricted(acting)
    return chosen


def adapter_events(model: SonaModel, interactions: Sequence[Interaction],
                   feedback: Sequence[Feedback]) -> list[tuple[int, float, float]]:
    """The events an adapter learns from, oldest first, as (item, target, Unix time)."""
    events = [(i.occurred_at.timestamp(), 0, model.index.get(i.title_id, -1), VIEWING_TARGET)
              for i in interactions]
    events += [(f.occurred_at.timestamp(), 1, model.index.get(f.title_id, -1), f.signal.target)
               for f in feedback]
    events.sort(key=lambda e: (e[0], e[1]))
    return [(item, target, at) for at, _, item, target in events]


async def current_adapter(
    repo: RecommendationsRepository, model: SonaModel, user_id: uuid.UUID,
    state: AdapterState | None, interactions: Sequence[Interaction],
    feedback: Sequence[Feedback], store: bool = True,
) -> AdapterState:
    """The stored adapter when it is of this model; else rebuilt from the events (and stored,
    unless `store` is False: a read that must stay fast leaves that to the next list)."""
    if state is not None and state.version == model.version:
        return state
    rebuilt = adapter.replay(model, adapter_events(model, interactions, feedback))
    if store:
        await repo.save_states({user_id: rebuilt})
    return rebuilt


async def recommend(
    repo: RecommendationsRepository, model: SonaModel | None, user_id: uuid.UUID,
    facts: recommender.UserFacts, state: AdapterState | None,
    context: RecommendationContext, first: int, offset: int, diversity: float,
    acting_profile: uuid.UUID | None = None,
) -> Page:
    check_first(first)
    check_context(context, diversity)
    limits = await profile_limits(repo, user_id, context.profile_id, acting_profile)
    if offset + first > MAX_DEPTH:
        raise InvalidCount(first, max(MAX_DEPTH - offset, 0))
    if model is None:
        return await _popular(repo, facts, limits, first, offset)
    now = time.time()
    current = await current_adapter(repo, model, user_id, state, facts.interactions,
                                    facts.feedback)
    facts = facts.with_adapter(current.array())
    with timed(NAME, "recommendations.score"):
        scored = scoring.score(model, recommender.query(facts, context, now))
    hidden = facts.hidden
    wanted = offset + first
    size = max(3 * wanted, 100)
    allowed: list[int] = []
    signals: dict[uuid.UUID, TitleSignal] = {}
    while True:
        pool = recommender.pool(model, scored, hidden, size)
        fetched = await repo.signals_by_ids([model.item_ids[i] for i in pool])
        signals.update(fetched)
        allowed = [i for i in pool if _allowed(signals.get(model.item_ids[i]), limits)]
        # A strict profile can filter most of the pool out: look deeper, up to the catalog.
        if len(allowed) >= wanted + first or len(pool) < size or size >= model.size:
            break
        size *= 4
    with timed(NAME, "recommendations.select"):
        chosen = recommender.select(model, scored, allowed, signals, facts, context, wanted,
                                    diversity, now)
    page = chosen[offset:wanted]
    explained = []
    with timed(NAME, "recommendations.explain"):
        credit = recommender.credits(model, scored, [item for item, _, _ in page])
        for (item, score, platform), cited in zip(page, credit, strict=True):
            signal = signals.get(model.item_ids[item])
            explained.append((item, score, *recommender.explain(
                model, scored, item, cited, facts, context, signal, platform, PLATFORM_NAMES)))
    cited_ids = list({t for *_, cited in explained for t in cited})
    names = {t: s.name for t, s in (await repo.signals_by_ids(cited_ids)).items() if s.name}
    items = [
        Recommendation(model.item_ids[item], score,
                       text or recommender.because_text(cited, names), kind, cited)
        for item, score, kind, text, cited in explained
    ]
    return Page(items, min(len(allowed), MAX_DEPTH), model.version)


def _allowed(signal: TitleSignal | None, limits: ProfileLimits | None) -> bool:
    if limits is None:
        return True
    return signal is not None and limits.allows(signal.genres, signal.age_rating)


async def _popular(repo: RecommendationsRepository, facts: recommender.UserFacts,
                   limits: ProfileLimits | None, first: int, offset: int) -> Page:
    """Before the first model: popularity within the genres the user likes."""
    interactions = list(facts.interactions)
    watched = recommender.hidden_titles(interactions, facts.feedback)
    chosen = ranker.plan(interactions, await repo.genres_by_titles(list(watched)),
                         facts.taste.preferred_genres if facts.taste else ())
    chosen = ranker.Plan(chosen.basis, chosen.genres, frozenset(watched))
    depth = max(_CANDIDATES, 3 * (offset + first))
    candidates = []
    if chosen.genres:
        candidates = await repo.top_signals(chosen.genres.keys(), chosen.watched, depth)
    popular = await repo.top_signals(None, chosen.watched, depth)
    if limits is not None:
        candidates = [c for c in candidates if _allowed(c, limits)]
        popular = [p for p in popular if _allowed(p, limits)]
    ranked = ranker.rank(chosen, candidates, popular, offset + first)
    items = [Recommendation(r.title_id, r.score, r.reason, ReasonKind.POPULAR)
             for r in ranked[offset:]]
    return Page(items, len(ranked), None)


async def similar_titles(
    repo: RecommendationsRepository, model: SonaModel | None, title_id: uuid.UUID,
    source: TitleSignal | None, first: int,
) -> list[uuid.UUID]:
    check_first(first)
    if model is not None and title_id in model.index:
        return [model.item_ids[i] for i, _ in
                recommender.similar(model, model.index[title_id], first)]
    if source is None or not source.genres:
        return []
    candidates = await repo.top_signals(source.genres, {source.title_id},
                                        max(_CANDIDATES, 3 * first))
    return ranker.similar(source, candidates, first)


async def personal_scores(
    repo: RecommendationsRepository, model: SonaModel | None, user_id: uuid.UUID,
    facts: recommender.UserFacts, state: AdapterState | None, title_ids: Sequence[uuid.UUID],
    memo: ScoresMemo | None = None, stamp: int | None = None,
) -> dict[uuid.UUID, float]:
    """The fused score of each known title for this user (unbounded; higher is better).

    With a `memo`, one user's scores are computed once per `stamp` (which moves with every
    write of their facts) and model: a search asks for its candidates in several calls."""
    if len(title_ids) > MAX_SCORED:
        raise TooManyTitles(len(title_ids), MAX_SCORED)
    if model is None or not title_ids:
        return {}
    key = (user_id, stamp, model.version)
    total = memo.get(key) if memo is not None else None
    if total is None:
        current = await current_adapter(repo, model, user_id, state, facts.interactions,
                                        facts.feedback, store=False)
        facts = facts.with_adapter(current.array())
        total = scoring.score(
            model, recommender.query(facts, RecommendationContext(), time.time())).total
        if memo is not None:
            memo[key] = total
    found = model.indices(list(title_ids))
    return {t: float(total[i]) for t, i in zip(title_ids, found, strict=True) if i >= 0}


def unit_score(score: float) -> float:
    """A fused score squashed into 0..1, for the search's personal part."""
    return 1.0 / (1.0 + math.exp(-max(min(score, 30.0), -30.0)))


async def give_feedback(
    repo: RecommendationsRepository, model: SonaModel | None, user_id: uuid.UUID,
    title_id: uuid.UUID, signal: FeedbackSignal,
) -> Feedback:
    """Store it and move the adapter now, so the very next list reflects it."""
    feedback = Feedback(user_id, title_id, signal, datetime.now(UTC))
    await repo.add_feedback(feedback)
    if model is not None:
        await _advance(repo, model, {user_id: [(title_id, signal.target, feedback.occurred_at)]})
    return feedback


async def _advance(repo: RecommendationsRepository, model: SonaModel,
                   events: dict[uuid.UUID, list[tuple[uuid.UUID, float, datetime]]]) -> None:
    """Apply new events to stored adapters; one of an older model is rebuilt instead."""
    states = await repo.states_by_users(list(events))
    stale = [u for u in events if u not in states or states[u].version != model.version]
    if stale:
        interactions = await repo.interactions_by_users(stale)
        feedback = await repo.feedback_by_users(stale)
        for user_id in stale:
            # Rebuilt from every stored event, the new ones included: nothing to apply after.
            states[user_id] = adapter.replay(model, adapter_events(
                model, interactions.get(user_id, []), feedback.get(user_id, [])))
    changed = {}
    for user_id, new in events.items():
        state = states[user_id]
        if user_id not in stale:
            for title_id, target, at in sorted(new, key=lambda e: e[2]):
                state = adapter.update(state, model, model.index.get(title_id, -1), target,
                                       at.timestamp())
        changed[user_id] = state
    await repo.save_states(changed)


async def absorb_titles(repo: RecommendationsRepository, titles: Sequence[TitleFacts]) -> int:
    return await repo.upsert_titles(titles)


async def absorb_interactions(
    repo: RecommendationsRepository, model: SonaModel | None,
    interactions: Sequence[Interaction],
) -> int:
    recorded = await repo.record_interactions(interactions)
    if model is not None and recorded:
        events: dict[uuid.UUID, list[tuple[uuid.UUID, float, datetime]]] = {}
        seen: set[str] = set()
        for i in interactions:
            if i.event_id not in seen:
                seen.add(i.event_id)
                events.setdefault(i.user_id, []).append((i.title_id, VIEWING_TARGET,
                                                         i.occurred_at))
        await _advance(repo, model, events)
    return recorded


async def absorb_tastes(repo: RecommendationsRepository, tastes: Sequence[UserTaste]) -> int:
    return await repo.remember_tastes(tastes)


async def absorb_profiles(repo: RecommendationsRepository, profiles: Sequence[ProfileLimits]
                          ) -> int:
    return await repo.remember_profiles(profiles)

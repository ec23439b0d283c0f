"""Speed of the SONA engine itself: build, scoring a user's candidates, an online update.

    .venv/bin/python -m benchmarks.recommendations_engine                  # MovieLens-100K
    .venv/bin/python -m benchmarks.recommendations_engine --scale 100000,100000,5000000

On MovieLens-100K (every rating a training interaction): build time (3 runs), then for 500
users the whole per-request path in the engine (query, four parts, pool, MMR, explanations of
10 items) as p50/p95, beside the baseline of plain EASE scoring (x·B and a top 10) in the same
run, and an adapter update. `--scale TITLES,USERS,EVENTS` builds on a synthetic catalog of that
size instead (power-law popularity, viewers who keep to a few taste clusters), in a child
process, and prints build time and peak memory (ru_maxrss) too.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
import uuid

import numpy as np

from benchmarks.recommendations import protocol
from subgraphs.recommendations.domain import recommender
from subgraphs.recommendations.domain.engine import adapter, scoring, training
from subgraphs.recommendations.domain.engine.model import HistoryItem, SonaModel
from subgraphs.recommendations.domain.engine.training import CatalogItem, TrainingUser
from subgraphs.recommendations.domain.model import RecommendationContext, TitleSignal

GENRES = ("action", "adventure", "animation", "comedy", "crime", "documentary", "drama",
          "family", "fantasy", "horror", "mystery", "romance", "science-fiction", "thriller")


def _cuts(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:7.3f} ms   p95 {q[94] * 1000:7.3f} ms"


def movielens() -> tuple[list[CatalogItem], list[TrainingUser]]:
    split = protocol.load_split("test")
    users = split.training_users()
    # Everything is training data here: put each held-out title back at the end.
    for user, target in zip(users, split.target, strict=True):
        last = user.history[-1].at if user.history else 0.0
        user.history.append(HistoryItem(split.item_ids[int(target)], 1.0, last + 1))  # type: ignore[attr-defined]
    return split.items, users


def synthetic(titles: int, users: int, events: int, seed: int = 0
              ) -> tuple[list[CatalogItem], list[TrainingUser]]:
    rng = np.random.default_rng(seed)
    clusters = 200
    ids = [uuid.UUID(int=i + 1) for i in range(titles)]
    cluster_of = rng.integers(0, clusters, titles)
    catalog = [CatalogItem(ids[i], tuple(random.Random(int(cluster_of[i])).sample(GENRES, 2)),
                           1950 + int(i % 75)) for i in range(titles)]
    members = [np.flatnonzero(cluster_of == c) for c in range(clusters)]
    # Zipf-like popularity within each cluster.
    weights = [1.0 / (1.0 + np.arange(len(m))) ** 0.8 for m in members]
    weights = [w / w.sum() for w in weights]
    per_user = rng.poisson(events / users, users).clip(1)
    start = 1.7e9
    out = []
    for u in range(users):
        tastes = rng.integers(0, clusters, 3)
        picks = rng.integers(0, 3, per_user[u])
        history = []
        for n, c in enumerate(tastes[picks]):
            j = members[c][rng.choice(len(members[c]), p=weights[c])]
            history.append(HistoryItem(ids[j], 1.0, start + u * 60 + n))
        out.append(TrainingUser(u, history, "US" if u % 2 else "DE"))
    return catalog, out


def _requests(model: SonaModel, users: list[TrainingUser], count: int) -> None:
    rng = random.Random(1)
    sample = rng.sample(users, min(count, len(users)))
    signals = {t: TitleSignal(t) for t in model.item_ids}
    scoring_only, warm, full, baseline, updates = [], [], [], [], []
    for user in sample:
        history = list(user.history)
        now = history[-1].at + 60
        started = time.perf_counter()
        facts = recommender.UserFacts(adapter=np.zeros(model.factors.shape[1], np.float32))
        query = scoring.Query(history=history, adapter=facts.adapter, now=now)
        scored = scoring.score(model, query)
        hidden = {h.title_id for h in history}
        pool = recommender.pool(model, scored, hidden, 100)
        scoring_only.append(time.perf_counter() - started)
        chosen = recommender.select(model, scored, pool, signals, facts, RecommendationContext(),
                                    10, 0.3, now)
        credit = recommender.credits(model, scored, [item for item, _, _ in chosen])
        for (item, _, platform), cited in zip(chosen, credit, strict=True):
            recommender.explain(model, scored, item, cited, facts, RecommendationContext(),
                                None, platform, {})
        full.append(time.perf_counter() - started)

        # Serving holds each user's facts: what depends only on them and the model (the
        # iALS fold-in) is kept for their next request.
        memo: dict[str, object] = {}
        scoring.score(model, scoring.Query(history=history, adapter=facts.adapter, now=now,
                                           memo=memo))
        started = time.perf_counter()
        again = scoring.score(model, scoring.Query(history=history, adapter=facts.adapter,
                                                   now=now, memo=memo))
        recommender.pool(model, again, hidden, 100)
        warm.append(time.perf_counter() - started)

        idx = model.indices([h.title_id for h in history])
        started = time.perf_counter()
        x = np.zeros(model.size, np.float32)
        x[idx[idx >= 0]] = 1.0
        ease = model.collaborative.T @ x
        ease[idx] = -np.inf
        np.argpartition(-ease, 10)[:10]
        baseline.append(time.perf_counter() - started)

        state = adapter.AdapterState.empty(model)
        started = time.perf_counter()
        adapter.update(state, model, int(idx[0]), 1.0, now)
        updates.append(time.perf_counter() - started)
    print(f"  scoring: four parts, adapter, best 100 ({len(sample)} users): {_cuts(scoring_only)}")
    print(f"  scoring again, the user's facts held (serving):    {_cuts(warm)}")
    print(f"  whole request: + MMR and 10 explanations:         {_cuts(full)}")
    print(f"  baseline, plain EASE top 10 (same users):          {_cuts(baseline)}")
    print(f"  adapter update:                                     {_cuts(updates)}")


def run(catalog: list[CatalogItem], users: list[TrainingUser], builds: int) -> None:
    events = sum(len(u.history) for u in users)
    print(f"{len(catalog)} titles, {len(users)} users, {events} interactions", flush=True)
    times = []
    model = None
    for _ in range(builds):
        started = time.perf_counter()
        model = training.build(catalog, users)
        times.append(time.perf_counter() - started)
    assert model is not None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB on Linux
    print(f"  build: min {min(times):.1f} s, median {statistics.median(times):.1f} s "
          f"({builds} runs); peak memory of the process {peak:.2f} GB")
    print(f"  collaborative nnz {model.collaborative.nnz}, transitions nnz "
          f"{model.transitions.nnz}", flush=True)
    _requests(model, users, 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", help="TITLES,USERS,EVENTS of a synthetic catalog")
    args = parser.parse_args()
    if args.scale:
        titles, users, events = (int(v) for v in args.scale.split(","))
        started = time.perf_counter()
        catalog, people = synthetic(titles, users, events)
        print(f"synthetic data made in {time.perf_counter() - started:.0f} s", flush=True)
        run(catalog, people, 1)
    else:
        run(*movielens(), 3)


if __name__ == "__main__":
    main()

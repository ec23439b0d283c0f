"""The engine's pieces on small data: each checked against a plain computation of the same."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from subgraphs.recommendations.adapters import artifact
from subgraphs.recommendations.domain import recommender
from subgraphs.recommendations.domain.engine import adapter, collaborative, scoring, training
from subgraphs.recommendations.domain.engine.diversity import mmr
from subgraphs.recommendations.domain.engine.engagement import decay, engagement
from subgraphs.recommendations.domain.engine.model import HistoryItem
from subgraphs.recommendations.domain.engine.training import CatalogItem, TrainingUser
from subgraphs.recommendations.domain.model import ProfileLimits


def _random_interactions(users: int = 40, items: int = 30, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((users, items)) < 0.2).astype(np.float32)
    return sp.csr_matrix(dense)


def test_knn_in_chunks_equals_dense_cosine_top_k(monkeypatch: pytest.MonkeyPatch) -> None:
    x = _random_interactions()
    monkeypatch.setattr(collaborative, "_CHUNK", 7)  # several chunks, one partial
    got = collaborative.item_knn(x, 5).toarray()
    d = x.toarray()
    norms = np.sqrt(d.sum(0)) + 1e-9
    cosine = (d.T @ d) / norms[:, None] / norms[None, :]
    np.fill_diagonal(cosine, 0)
    for row in range(d.shape[1]):
        kept = np.flatnonzero(got[row])
        assert len(kept) <= 5
        assert np.allclose(got[row, kept], cosine[row, kept], atol=1e-6)
        # What was kept is at least as similar as anything dropped.
        dropped = np.setdiff1d(np.arange(d.shape[1]), kept)
        if len(kept) and len(dropped):
            assert cosine[row, kept].min() >= cosine[row, dropped].max() - 1e-6


def test_ease_solves_the_closed_form() -> None:
    x = _random_interactions()
    b = collaborative.ease(x, 10.0, x.shape[1]).toarray()
    gram = (x.T @ x).toarray().astype(np.float64) + 10.0 * np.eye(x.shape[1])
    p = np.linalg.inv(gram)
    expected = -p / np.diag(p)
    np.fill_diagonal(expected, 0)
    positive = expected > 0
    assert np.allclose(b[positive], expected[positive], atol=1e-5)
    assert np.all(b[~positive] == 0)


def test_fold_in_matches_the_ials_normal_equations() -> None:
    rng = np.random.default_rng(1)
    y = rng.normal(size=(20, 4)).astype(np.float32)
    history = np.array([1, 4, 7])
    u = collaborative.fold_in(y, y.T.astype(np.float64) @ y, history, 2.0, 0.1)
    c = np.ones(20)
    c[history] += 2.0
    p = np.zeros(20)
    p[history] = 1.0
    a = y.T @ np.diag(c) @ y + 0.1 * np.eye(4)
    assert np.allclose(u, np.linalg.solve(a, y.T @ (c * p)), atol=1e-5)


def test_mmr_keeps_the_order_at_lambda_one_and_spreads_below() -> None:
    embedding = np.array([[1, 0], [1, 0], [0, 1]], np.float32)
    items = [0, 1, 2]
    relevance = np.array([1.0, 0.9, 0.5])
    assert mmr(embedding, items, relevance, 3, 1.0) == [0, 1, 2]
    # The near-copy of the best title waits behind the different one.
    assert mmr(embedding, items, relevance, 2, 0.5) == [0, 2]


def test_engagement_and_decay() -> None:
    assert engagement(5, True) > engagement(1, True) > 0
    assert engagement(None, True) > engagement(None, False, progress=0.2)
    assert engagement(None, True, rewatch=True) > engagement(None, True)
    assert engagement(5, True, dismissed=True) == 0
    from datetime import UTC, datetime, timedelta
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert decay(now - timedelta(days=30), now) == pytest.approx(0.95)
    assert decay(now - timedelta(days=60), now) == pytest.approx(0.95 ** 2)
    assert decay(now + timedelta(days=1), now) == 1.0


def test_parental_limits() -> None:
    kid = ProfileLimits(uuid.uuid4(), uuid.uuid4(), True, 7, ("horror",))
    assert kid.allows(("family",), 0)
    assert not kid.allows(("drama",), 12)
    assert not kid.allows(("horror", "family"), 0)
    assert kid.allows(("animation",), None)  # unrated, but made for families
    assert not kid.allows(("drama",), None)
    assert ProfileLimits(uuid.uuid4(), uuid.uuid4()).allows(("drama",), None)


def _tiny_world() -> tuple[list[CatalogItem], list[TrainingUser], list[uuid.UUID]]:
    ids = [uuid.UUID(int=i + 1) for i in range(12)]
    catalog = [CatalogItem(t, ("drama",) if i < 6 else ("comedy",), 1990 + i)
               for i, t in enumerate(ids)]
    users = []
    for u in range(30):
        block = ids[:6] if u % 2 else ids[6:]
        start = u % 3
        users.append(TrainingUser(u, [HistoryItem(t, 1.0, 1.7e9 + u * 100 + n)
                                      for n, t in enumerate(block[start:start + 4])],
                                  "DE" if u % 2 else "US"))
    return catalog, users, ids


def test_transitions_count_who_watched_what_next() -> None:
    catalog, users, ids = _tiny_world()
    model = training.build(catalog, users, version="t")
    t = model.transitions.toarray()
    a, b, c = (model.index[ids[i]] for i in (7, 8, 0))
    assert t[a, b] > 0 and t[b, a] > 0  # watched one after the other, both directions
    assert t[a, c] == 0  # never together
    assert set(model.trending_by_region) == {"DE", "US"}


def test_an_artifact_loads_into_the_same_scores(tmp_path: Path) -> None:
    catalog, users, _ = _tiny_world()
    model = training.build(catalog, users, version="v1")
    artifact.save(model, tmp_path)
    loaded = artifact.load(tmp_path)
    assert loaded is not None and loaded.version == "v1" and loaded.item_ids == model.item_ids
    query = scoring.Query(history=users[0].history, region="DE", hour=20, weekday=5,
                          now=1.7e9 + 10_000)
    assert np.allclose(scoring.score(model, query).total, scoring.score(loaded, query).total)
    holder = artifact.ModelHolder(tmp_path)
    assert holder.refresh() and holder.model is not None and not holder.refresh()
    model2 = training.build(catalog, users[:20], version="v2")
    artifact.save(model2, tmp_path)
    assert holder.refresh() and holder.model.version == "v2"


def test_adapter_replay_equals_step_by_step() -> None:
    catalog, users, ids = _tiny_world()
    model = training.build(catalog, users, version="t")
    events = [(model.index[ids[i]], target, 1.7e9 + n * 86_400)
              for n, (i, target) in enumerate([(1, 1.0), (2, 1.0), (8, -1.0)])]
    state = adapter.AdapterState.empty(model)
    for event in events:
        state = adapter.update(state, model, *event)
    replayed = adapter.replay(model, events)
    assert replayed == state and replayed.events == 3
    liked = model.factors[model.index[ids[3]]] @ replayed.array()
    disliked = model.factors[model.index[ids[8]]] @ replayed.array()
    assert liked > disliked



def test_similar_reads_both_directions_as_the_dense_computation_does() -> None:
    catalog, users, _ = _tiny_world()
    model = training.build(catalog, users, version="t")
    # Made lopsided, so a title pointed at but not pointing back must still be found.
    model.collaborative = sp.csr_matrix(np.triu(model.collaborative.toarray()))
    model.__dict__.pop("collaborative_by_target", None)
    model.derive()
    for item in range(model.size):
        parts = [m.toarray()[item] + m.toarray()[:, item]
                 for m in (model.collaborative, model.transitions)]
        parts += [model.features @ model.features[item], np.zeros(model.size)]
        expected = sum(w * (p - p.mean()) / p.std() for w, p in
                       zip((0.45, 0.2, 0.2, 0.15), parts, strict=True) if p.std() > 0)
        expected[item] = -np.inf
        got = recommender.similar(model, item, 5)
        # The best five by the dense scores (ties in either order), with those scores.
        assert np.allclose([s for _, s in got], np.sort(expected)[::-1][:5], atol=1e-4)
        assert np.allclose([s for _, s in got], expected[[i for i, _ in got]], atol=1e-4)

"""The ranker's rules, on plain values."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from subgraphs.recommendations.domain import ranker
from subgraphs.recommendations.domain.model import Interaction, TitleSignal

USER = uuid.uuid4()
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def signal(genres: tuple[str, ...], votes: int = 0, average: float | None = None) -> TitleSignal:
    base = TitleSignal(uuid.uuid4(), genres, vote_count=votes, average_rating=average)
    return TitleSignal(**{**base.__dict__, "score": ranker.popularity_score(base)})


def watched(title: TitleSignal, rating: int | None, completed: bool = True) -> Interaction:
    return Interaction(str(uuid.uuid4()), USER, title.title_id, rating, completed, NOW)


def test_bayesian_average_needs_votes_to_beat_a_well_rated_crowd_pleaser() -> None:
    few_perfect = signal(("drama",), votes=2, average=5.0)
    many_good = signal(("drama",), votes=2_000, average=4.3)
    assert ranker.popularity_score(many_good) > ranker.popularity_score(few_perfect)


def test_our_viewers_ratings_replace_the_catalogs() -> None:
    base = TitleSignal(uuid.uuid4(), ("drama",), average_rating=5.0, vote_count=100)
    panned = TitleSignal(**{**base.__dict__, "rating_sum": 100, "rating_count": 100,
                            "view_count": 100})
    assert ranker.popularity_score(panned) < ranker.popularity_score(base)


def test_high_ratings_weigh_more_and_low_ones_count_against() -> None:
    drama, comedy, horror = signal(("drama",)), signal(("comedy",)), signal(("horror",))
    affinity = ranker.genre_affinity(
        [watched(drama, 5), watched(comedy, 3), watched(horror, 1)],
        {s.title_id: s.genres for s in (drama, comedy, horror)},
    )
    assert affinity == {"drama": 2.0, "comedy": 1.0, "horror": -1.0}


def test_three_titles_personalise_from_history() -> None:
    titles = [signal(("drama",)), signal(("drama", "comedy")), signal(("horror",))]
    plan = ranker.plan(
        [watched(titles[0], 5), watched(titles[1], 4), watched(titles[2], 1)],
        {s.title_id: s.genres for s in titles},
        signup_genres=("western",),
    )
    assert plan.basis is ranker.Basis.HISTORY
    assert list(plan.genres) == ["drama", "comedy"]
    assert plan.watched == {s.title_id for s in titles}


def test_cold_start_uses_signup_genres_then_popular() -> None:
    one = signal(("drama",))
    history = [watched(one, 5)]
    genres = {one.title_id: one.genres}
    assert ranker.plan(history, genres, ("horror",)).basis is ranker.Basis.SIGNUP
    assert ranker.plan(history, genres).basis is ranker.Basis.POPULAR


def test_rank_puts_genre_matches_first_excludes_watched_and_explains() -> None:
    seen = signal(("drama",), votes=10_000, average=4.9)
    drama_hit = signal(("drama",), votes=1_000, average=4.5)
    drama_comedy = signal(("drama", "comedy"), votes=300, average=4.0)
    horror_hit = signal(("horror",), votes=50_000, average=4.8)
    plan = ranker.Plan(ranker.Basis.HISTORY, {"drama": 4.0, "comedy": 2.0},
                       frozenset({seen.title_id}))
    ranked = ranker.rank(plan, [seen, drama_hit, drama_comedy], [horror_hit, seen], first=3)
    # Matching both liked genres outweighs being a bit more popular in one of them.
    assert [r.title_id for r in ranked] == [
        drama_comedy.title_id, drama_hit.title_id, horror_hit.title_id
    ]
    assert ranked[-1].reason == "Popular right now"
    assert all(r.title_id != seen.title_id for r in ranked)
    reasons = {r.title_id: r.reason for r in ranked}
    assert reasons[drama_comedy.title_id] == (
        "Popular in Drama and Comedy, which you rate highly"
    )
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_signup_reason_names_the_signup() -> None:
    western = signal(("western",), votes=10, average=4.0)
    plan = ranker.Plan(ranker.Basis.SIGNUP, {"western": 1.0}, frozenset())
    [only] = ranker.rank(plan, [western], [], first=5)
    assert only.reason == "Popular in Western, which you picked at signup"


def test_popular_only_when_nothing_is_known() -> None:
    hits = [signal(("drama",), votes=v, average=4.0) for v in (10, 1_000, 100)]
    ranked = ranker.rank(ranker.Plan(ranker.Basis.POPULAR, {}, frozenset()), [], hits, first=2)
    assert [r.title_id for r in ranked] == [hits[1].title_id, hits[2].title_id]
    assert {r.reason for r in ranked} == {"Popular right now"}


def test_similar_prefers_shared_genres_then_popularity_and_never_itself() -> None:
    source = signal(("drama", "romance", "war"))
    two_shared = signal(("drama", "war"), votes=5)
    one_shared_hit = signal(("drama",), votes=100_000, average=4.9)
    one_shared = signal(("romance",), votes=10)
    unrelated = signal(("horror",), votes=100_000)
    result = ranker.similar(
        source, [source, one_shared, unrelated, one_shared_hit, two_shared], first=10
    )
    assert result == [two_shared.title_id, one_shared_hit.title_id, one_shared.title_id]

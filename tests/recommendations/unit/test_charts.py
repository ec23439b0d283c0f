"""Charts' domain: decay, ranking, the once-a-day rule, trends and days in the top 10 / 100."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from subgraphs.recommendations.charts.domain.chart import entries, fold
from subgraphs.recommendations.charts.domain.model import (
    ChartEntry,
    ChartHistory,
    ChartKey,
    Play,
    Trend,
    View,
)
from subgraphs.recommendations.charts.domain.tally import ChartTally, DecayedTally

DAY = 86_400.0
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC).timestamp()
US = ChartKey("US")
A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))


def _users(n: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(n)]


def test_a_viewing_weighs_half_as_much_a_half_life_later() -> None:
    tally = DecayedTally(half_life_days=7)
    tally.add(US, A, NOW)
    tally.add(US, B, NOW - 7 * DAY)
    assert tally.score(US, A, NOW) == pytest.approx(1.0)
    assert tally.score(US, B, NOW) == pytest.approx(0.5)
    assert tally.score(US, A, NOW + 14 * DAY) == pytest.approx(0.25)
    assert tally.score(US, C, NOW) == 0.0


def test_recent_viewing_outranks_more_viewing_long_ago() -> None:
    tally = DecayedTally(half_life_days=7)
    for _ in range(10):
        tally.add(US, A, NOW - 28 * DAY)  # 10 x 1/16
    for _ in range(2):
        tally.add(US, B, NOW)
    for _ in range(5):
        tally.add(US, C, NOW - 7 * DAY)  # 5 x 1/2
    assert tally.ranking(US) == [C, B, A]


def test_the_order_does_not_depend_on_when_the_chart_is_read() -> None:
    # Viewings decades old (the demo's MovieLens history) neither overflow nor lose their order.
    tally = DecayedTally(half_life_days=7)
    long_ago = datetime(1998, 3, 1, tzinfo=UTC).timestamp()
    for _ in range(3):
        tally.add(US, A, long_ago)
    tally.add(US, B, long_ago + DAY)
    assert tally.ranking(US) == [A, B]
    assert tally.score(US, A, NOW) == 0.0  # decayed to nothing, yet still ordered
    tally.add(US, C, NOW)
    assert tally.ranking(US) == [C, A, B]


def test_ties_and_size_are_stable() -> None:
    tally = DecayedTally()
    for title in (C, A, B):
        tally.add(US, title, NOW)
    assert tally.ranking(US) == [A, B, C]
    assert tally.ranking(US, size=2) == [A, B]


def test_a_viewer_counts_once_a_title_and_day_in_their_region() -> None:
    tally = ChartTally()
    viewer, other = _users(2)
    tally.place({viewer: "US", other: "US"}, NOW)
    tally.add([View(viewer, A, NOW), View(viewer, A, NOW + 60), View(other, B, NOW),
               View(other, B, NOW - DAY)], NOW + 60)
    assert tally.ranking(US) == [B, A]
    assert tally.tally.score(US, A, NOW) == pytest.approx(1.0)  # the rewatch added nothing
    assert tally.regions == {"US"}


def test_facts_wait_for_their_viewers_region_and_follow_a_move() -> None:
    tally = ChartTally()
    viewer = uuid.uuid4()
    assert tally.add([View(viewer, A, NOW)], NOW) is False  # region unknown yet
    assert tally.ranking(US) == []
    assert tally.place({viewer: "US"}, NOW) is True
    assert tally.ranking(US) == [A]
    assert tally.place({viewer: "DE"}, NOW) is True
    assert tally.ranking(US) == []
    assert tally.ranking(ChartKey("DE")) == [A]
    tally.forget(viewer, NOW)
    assert tally.ranking(ChartKey("DE")) == []


def test_plays_count_in_their_platforms_chart_and_future_facts_count_as_now() -> None:
    tally = ChartTally()
    viewer = uuid.uuid4()
    tally.place({viewer: "GB"}, NOW)
    tally.add([Play(uuid.uuid4(), viewer, A, "netflix", NOW + 10 * DAY)], NOW)
    netflix = ChartKey("GB", "netflix")
    assert tally.ranking(netflix) == [A]
    assert tally.ranking(ChartKey("GB")) == []  # all platforms: viewings only
    tally.add([View(viewer, B, NOW)], NOW)
    assert tally.charts() == [ChartKey("GB"), netflix]
    assert tally.tally.score(netflix, A, NOW) == pytest.approx(1.0)
    assert tally.platforms == {"netflix"}


def _entry(rank: int, previous: int | None) -> ChartEntry:
    return ChartEntry(rank, A, previous, 0, 0)


def test_trend_and_rank_change() -> None:
    assert (_entry(3, 5).trend, _entry(3, 5).rank_change) == (Trend.UP, 2)
    assert (_entry(5, 3).trend, _entry(5, 3).rank_change) == (Trend.DOWN, -2)
    assert (_entry(4, 4).trend, _entry(4, 4).rank_change) == (Trend.STABLE, 0)
    assert (_entry(1, None).trend, _entry(1, None).rank_change) == (Trend.NEW, None)


def test_days_in_the_top_10_and_100_across_periods() -> None:
    # Day 1: A first, B 11th; day 2: B climbs to 2nd; day 3 (today): A drops out, B leads.
    filler = [uuid.UUID(int=100 + i) for i in range(20)]
    day1 = [A, *filler[:9], B]
    day2 = [A, B, *filler[:9]]
    history = fold(fold({}, {US: day1}), {US: day2})
    assert history[US].previous[B] == 2
    today = {e.title_id: e for e in entries([B, *filler[:5]], history[US])}
    assert today[B].rank == 1
    assert today[B].previous_rank == 2
    assert today[B].trend is Trend.UP
    assert today[B].days_in_top10 == 2  # day 2 and today; 11th on day 1
    assert today[B].days_in_top100 == 3
    assert A not in today
    assert history[US].days_top10[A] == 2
    newcomer = entries([C], ChartHistory())[0]
    assert (newcomer.trend, newcomer.days_in_top10, newcomer.days_in_top100) == (Trend.NEW, 1, 1)

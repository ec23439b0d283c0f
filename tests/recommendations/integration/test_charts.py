"""Charts against a real database (SQLite, or PostgreSQL with DATABASE_URL), with an injected
clock: the ranking moves with viewing, and previousRank, the trend and the days in the top 10 /
100 come out the same from memory and, after a restart, from the stored daily snapshots."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from subgraphs.common.auth import Viewer
from subgraphs.common.errors import BadInput
from subgraphs.common.events import Event
from subgraphs.common.parental import ProfileLimits
from subgraphs.recommendations.adapters.repository import TortoiseRecommendationsRepository
from subgraphs.recommendations.charts.adapters.repository import TortoiseChartsRepository
from subgraphs.recommendations.charts.consumers import handler
from subgraphs.recommendations.charts.domain.model import ChartKey, Trend
from subgraphs.recommendations.charts.services import ChartBook, chart_page
from subgraphs.recommendations.consumers import handlers
from subgraphs.recommendations.domain.model import Interaction, UserTaste

US = ChartKey("US")
A, B, KIDS = (uuid.UUID(int=i) for i in (0xA, 0xB, 0xC))
USERS = [uuid.UUID(int=1000 + i) for i in range(12)]


class Clock:
    def __init__(self, day: int) -> None:
        self.set(day)

    def set(self, day: int, hour: int = 12) -> None:
        self.now = datetime(2026, 12, day, hour, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


async def _view(repo: TortoiseRecommendationsRepository, clock: Clock, title: uuid.UUID,
                users: list[uuid.UUID]) -> None:
    at = datetime.fromtimestamp(clock.now, UTC)
    await repo.record_interactions([Interaction(str(uuid.uuid4()), u, title, None, True, at)
                                    for u in users])


def _book(clock: Clock) -> ChartBook:
    return ChartBook(TortoiseChartsRepository(), clock=clock, snapshot_seconds=0.0)


def _chart(book: ChartBook, chart: ChartKey = US) -> dict[uuid.UUID, tuple]:
    return {e.title_id: (e.rank, e.previous_rank, e.trend, e.days_in_top10, e.days_in_top100)
            for e in book.entries(chart)}


def test_ranks_trends_and_days_survive_days_and_restarts(loop: asyncio.AbstractEventLoop) -> None:
    repo = TortoiseRecommendationsRepository()
    clock = Clock(1)

    async def scenario() -> None:
        await repo.remember_tastes([UserTaste(u, (), "US") for u in USERS])
        await _view(repo, clock, A, USERS[:3])
        await _view(repo, clock, B, USERS[3:4])
        book = _book(clock)
        await book.refresh()
        assert _chart(book) == {A: (1, None, Trend.NEW, 1, 1), B: (2, None, Trend.NEW, 1, 1)}

        clock.set(2)
        await _view(repo, clock, B, USERS[4:10])
        await book.refresh()
        assert _chart(book) == {B: (1, 2, Trend.UP, 2, 2), A: (2, 1, Trend.DOWN, 2, 2)}
        assert book.entries(US)[0].rank_change == 1

        # A restart the same day: the history comes from the stored snapshots.
        again = _book(clock)
        await again.refresh()
        assert _chart(again) == _chart(book)

        # The next day, from memory (the day closed in this process) and from the database.
        clock.set(3)
        await book.refresh()
        fresh = _book(clock)
        await fresh.refresh()
        expected = {B: (1, 1, Trend.STABLE, 3, 3), A: (2, 2, Trend.STABLE, 3, 3)}
        assert _chart(book) == expected
        assert _chart(fresh) == expected

        # A day nobody ran: the previous period is the latest one published.
        clock.set(5)
        await _view(repo, clock, A, USERS[:12])
        later = _book(clock)
        await later.refresh()
        assert _chart(later) == {A: (1, 2, Trend.UP, 4, 4), B: (2, 1, Trend.DOWN, 4, 4)}

    loop.run_until_complete(scenario())


def _playback(session: uuid.UUID, user: uuid.UUID, title: uuid.UUID, platform: str | None,
              at: datetime) -> Event:
    offer = None if platform is None else {
        "platform": platform, "type": "subscription", "quality": "hd", "included": True}
    return Event(type="playback.updated", payload={
        "session_id": str(session), "user_id": str(user), "device_id": str(uuid.uuid4()),
        "title_id": str(title), "position_seconds": 0, "duration_seconds": 5400,
        "state": "playing", "at": at.isoformat(), "offer": offer})


def test_platform_charts_count_each_session_once(loop: asyncio.AbstractEventLoop) -> None:
    repo = TortoiseRecommendationsRepository()
    charts = TortoiseChartsRepository()
    clock = Clock(4)
    at = datetime.fromtimestamp(clock.now, UTC)

    async def scenario() -> None:
        await repo.remember_tastes([UserTaste(u, (), "US") for u in USERS[:3]])
        on_playback = handler(charts)
        sessions = [uuid.uuid4() for _ in range(3)]
        events = [_playback(sessions[0], USERS[0], A, "netflix", at),
                  _playback(sessions[1], USERS[1], B, "netflix", at),
                  _playback(sessions[2], USERS[2], B, "netflix", at),
                  _playback(uuid.uuid4(), USERS[0], KIDS, None, at)]
        await on_playback(events)
        await on_playback(events)  # redelivered
        # Later events of a session (it moved, paused) are the same session.
        await on_playback([_playback(sessions[0], USERS[0], A, "netflix", at)] * 5)
        book = _book(clock)
        await book.refresh()
        netflix = book.chart_key("us", "Netflix")
        assert netflix == ChartKey("US", "netflix")
        assert [e.title_id for e in book.entries(netflix)] == [B, A]
        assert book.entries(US) == []
        await charts.erase_user(USERS[1])
        await charts.erase_user(USERS[2])
        await book.forget(USERS[1])
        # One viewer each now: a tie, which the smaller id wins.
        assert [e.title_id for e in book.entries(netflix)] == [A, B]
        await book.forget(USERS[2])
        assert [e.title_id for e in book.entries(netflix)] == [A]
        again = _book(clock)
        await again.refresh()
        assert [e.title_id for e in again.entries(netflix)] == [A]

    loop.run_until_complete(scenario())


def test_unknown_charts_and_parental_limits(loop: asyncio.AbstractEventLoop) -> None:
    repo = TortoiseRecommendationsRepository()
    clock = Clock(4)
    parent, kid = uuid.uuid4(), uuid.uuid4()
    offers = [{"region": "DE", "platform": "max"}]

    async def scenario() -> None:
        on_titles = handlers(repo, None)["title.upserted"]  # type: ignore[arg-type]
        await on_titles([Event(type="title.upserted", payload={
            "title_id": str(t), "title": name, "genres": genres, "age_rating": age,
            "offers": offers}) for t, name, genres, age in (
                (A, "Alien", ["horror"], 18), (B, "Babe", ["family"], 0),
                (KIDS, "Kiki", ["animation"], 0))])
        await repo.remember_tastes([UserTaste(u, (), "US") for u in USERS])
        await repo.remember_profiles([ProfileLimits(kid, parent, True, 7, ("horror",))])
        await _view(repo, clock, A, USERS[:5])
        await _view(repo, clock, B, USERS[:3])
        await _view(repo, clock, KIDS, USERS[:1])
        book = _book(clock)
        await book.refresh()
        assert book.chart_key("DE", "max") == ChartKey("DE", "max")  # offered: an empty chart
        for region, platform, field in (("XX", None, "region"), ("US", "nope", "platform")):
            with pytest.raises(BadInput) as raised:
                book.chart_key(region, platform)
            assert raised.value.details["field"] == field

        everyone = Viewer()
        page, total = await chart_page(book, repo, everyone, US, 0, 10)
        assert ([e.title_id for e in page], total) == ([A, B, KIDS], 3)
        child = Viewer(user_id=parent, profile_id=kid)
        page, total = await chart_page(book, repo, child, US, 0, 1)
        assert ([(e.rank, e.title_id) for e in page], total) == ([(2, B)], 2)
        page, _ = await chart_page(book, repo, child, US, 1, 1)
        assert [(e.rank, e.title_id) for e in page] == [(3, KIDS)]

    loop.run_until_complete(scenario())

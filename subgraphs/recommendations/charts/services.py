"""Chart use cases: the charts this process serves, and the plays it records.

`ChartBook` holds every chart in memory, refreshed from the stored facts (views, plays,
regions) every few seconds: a request reads memory only. Every replica reads the same facts, so
each serves the same ranking, and each writes today's ranks as the day's snapshot (the same
rows), from which `previousRank`, the trend and the days in the top 10 / 100 come after a
restart too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime

from subgraphs.common.auth import Viewer
from subgraphs.recommendations.charts.domain.chart import entries, fold
from subgraphs.recommendations.charts.domain.errors import UnknownPlatform, UnknownRegion
from subgraphs.recommendations.charts.domain.model import (
    ChartEntry,
    ChartHistory,
    ChartKey,
    Play,
    day_of,
)
from subgraphs.recommendations.charts.domain.ports import ChartsRepository
from subgraphs.recommendations.charts.domain.tally import HALF_LIFE_DAYS, ChartTally
from subgraphs.recommendations.domain.ports import RecommendationsRepository
from subgraphs.recommendations.services import profile_limits

__all__ = ["ChartBook", "absorb_plays", "chart_page"]

logger = logging.getLogger("mediagateway.recommendations.charts")

# Small enough that materialising a batch's rows never holds the event loop for long.
_READ_BATCH = 2_000
# How long a request waits for the first load of a process that has just started.
_READY_WAIT_S = 10.0


class ChartBook:
    """Every chart, as of the last refresh.

    Attributes:
        refresh_seconds: how often the stored facts are read for what is new.
        snapshot_seconds: how often changed charts are written as today's snapshot (a new
            day writes every chart at once, and closes the day before with its final ranks).
        reload_seconds: how often everything is read again from scratch: what another replica
            erased, and rows a concurrent writer committed out of id order.
    """

    def __init__(self, repo: ChartsRepository, clock: Callable[[], float] = time.time,
                 half_life_days: float = HALF_LIFE_DAYS, refresh_seconds: float = 2.0,
                 snapshot_seconds: float = 30.0, reload_seconds: float = 3_600.0) -> None:
        self._repo = repo
        self._clock = clock
        self._half_life_days = half_life_days
        self.refresh_seconds = refresh_seconds
        self.snapshot_seconds = snapshot_seconds
        self.reload_seconds = reload_seconds
        self._ready = asyncio.Event()
        self._lock = asyncio.Lock()
        self._start_over()
        self._today: date | None = None
        self._history: dict[ChartKey, ChartHistory] = {}
        self._written: dict[ChartKey, list[uuid.UUID]] = {}
        self._written_at = 0.0
        self._rankings: dict[ChartKey, list[uuid.UUID]] = {}
        self._entries: dict[ChartKey, list[ChartEntry]] = {}
        self._positions: dict[ChartKey, dict[uuid.UUID, ChartEntry]] = {}
        # What requests check their region and platform against, as of the last ranking (a
        # reload in progress starts from nothing).
        self._known: tuple[set[str], set[str]] = (set(), set())

    def _start_over(self) -> None:
        self._tally = ChartTally(self._half_life_days)
        self._views_cursor = self._plays_cursor = 0
        self._regions_since: datetime | None = None
        self._stamp: int | None = None
        self._markets: tuple[set[str], set[str]] = (set(), set())
        self._loaded_at = self._clock()

    # -- reading -------------------------------------------------------------------------

    async def wait_ready(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), _READY_WAIT_S)

    def chart_key(self, region: str, platform: str | None) -> ChartKey:
        """The chart asked for; a region or platform no chart can have is bad input."""
        wanted_region = region.strip().upper()
        regions, platforms = self._known
        if wanted_region not in regions:
            raise UnknownRegion(region, regions)
        if platform is None:
            return ChartKey(wanted_region)
        wanted_platform = platform.strip().lower()
        if wanted_platform not in platforms:
            raise UnknownPlatform(platform, platforms)
        return ChartKey(wanted_region, wanted_platform)

    def entries(self, chart: ChartKey) -> list[ChartEntry]:
        return self._entries.get(chart, [])

    def positions(self, keys: Sequence[tuple[uuid.UUID, ChartKey]]
                  ) -> dict[tuple[uuid.UUID, ChartKey], ChartEntry]:
        found = {}
        for title_id, chart in keys:
            entry = self._positions.get(chart, {}).get(title_id)
            if entry is not None:
                found[title_id, chart] = entry
        return found

    # -- refreshing ----------------------------------------------------------------------

    async def refresh(self) -> None:
        """Read what is new, re-rank what changed, and write the snapshot when it is due."""
        async with self._lock:
            now = self._clock()
            today = day_of(now)
            if self._today is None:
                self._history = await self._repo.history(today)
                self._today = today
            elif today != self._today:
                # The day closes with its final ranks; the new one starts from them.
                await self._write(self._today, self._rankings)
                self._history = fold(self._history, self._rankings)
                self._today, self._written = today, {}
            if now - self._loaded_at >= self.reload_seconds:
                self._start_over()
            changed = await self._pull(now)
            known = (self._markets[0] | self._tally.regions,
                     self._markets[1] | self._tally.platforms)
            if changed or known != self._known or not self._written:
                await asyncio.to_thread(self._rank)
            due = now - self._written_at >= self.snapshot_seconds or not self._written
            if due:
                stale = {c: r for c, r in self._rankings.items() if self._written.get(c) != r}
                await self._write(today, stale)
            self._ready.set()

    async def forget(self, user_id: uuid.UUID) -> None:
        """An erased account leaves the charts now (other replicas: at their next reload)."""
        async with self._lock:
            self._tally.forget(user_id, self._clock())
            self._rank()

    async def run(self, stop: asyncio.Event) -> None:
        """Refresh until `stop` is set; a failed refresh is logged and tried again."""
        while not stop.is_set():
            try:
                await self.refresh()
            except Exception:
                logger.exception("refreshing the charts failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.refresh_seconds)

    async def _pull(self, now: float) -> bool:
        changed = False
        # Counting runs in a worker thread (under the lock nothing else touches the tally):
        # a start or the hourly reload counts every fact, which would stall requests here.
        regions, self._regions_since = await self._repo.regions_since(self._regions_since)
        changed = await asyncio.to_thread(self._tally.place, regions, now) or changed
        while True:
            views, self._views_cursor = await self._repo.views_after(self._views_cursor,
                                                                     _READ_BATCH)
            changed = await asyncio.to_thread(self._tally.add, views, now) or changed
            if len(views) < _READ_BATCH:
                break
        while True:
            plays, self._plays_cursor = await self._repo.plays_after(self._plays_cursor,
                                                                     _READ_BATCH)
            changed = await asyncio.to_thread(self._tally.add, plays, now) or changed
            if len(plays) < _READ_BATCH:
                break
        stamp = await self._repo.catalog_stamp()
        if stamp != self._stamp:
            self._markets = await self._repo.markets()
            self._stamp = stamp
        return changed

    def _rank(self) -> None:
        self._known = (self._markets[0] | self._tally.regions,
                       self._markets[1] | self._tally.platforms)
        self._rankings = {chart: self._tally.ranking(chart) for chart in self._tally.charts()}
        self._entries = {chart: entries(ranking, self._history.get(chart, ChartHistory()))
                         for chart, ranking in self._rankings.items()}
        self._positions = {chart: {e.title_id: e for e in listed}
                           for chart, listed in self._entries.items()}

    async def _write(self, day: date, rankings: dict[ChartKey, list[uuid.UUID]]) -> None:
        if rankings:
            await self._repo.save_rankings(day, rankings)
            self._written.update(rankings)
        self._written_at = self._clock()


async def chart_page(book: ChartBook, repo: RecommendationsRepository, viewer: Viewer,
                     chart: ChartKey, offset: int, limit: int) -> tuple[list[ChartEntry], int]:
    """One page of a chart, and how long it is for this viewer: the titles a profile's
    parental limits exclude are left out (the others keep the chart's ranks)."""
    listed = book.entries(chart)
    limits = None
    if viewer.user_id is not None and viewer.profile_id is not None:
        limits = await profile_limits(repo, viewer.user_id, None, viewer.profile_id)
    if limits is not None and listed:
        signals = await repo.signals_by_ids([e.title_id for e in listed])
        listed = [e for e in listed if (s := signals.get(e.title_id)) is not None
                  and limits.allows(s.genres, s.age_rating)]
    return listed[offset:offset + limit], len(listed)


async def absorb_plays(repo: ChartsRepository, plays: Sequence[Play]) -> int:
    return await repo.record_plays(plays)

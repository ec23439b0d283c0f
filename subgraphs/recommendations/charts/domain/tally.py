"""Decayed viewing per chart and title, and the rule for what counts once."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable

from subgraphs.recommendations.charts.domain.model import (
    CHART_SIZE,
    ChartKey,
    Play,
    View,
    day_of,
)

__all__ = ["HALF_LIFE_DAYS", "ChartTally", "DecayedTally"]

# As trending's: a viewing counts half as much a week later.
HALF_LIFE_DAYS = 7.0


def _logaddexp(a: float, b: float) -> float:
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log1p(math.exp(low - high))


class DecayedTally:
    """Decayed viewing per (chart, title), held as log Σ exp(rate·t) over its facts' times.

    A fact at time t weighs exp(-rate·(now - t)) at `now`; every weight shares the factor
    exp(-rate·now), so the order of titles is the same whenever the chart is read and the sums
    grow by addition, never decayed again. Logs, because rate·t is ~2,000 for today's Unix
    times and exp of that overflows a float.
    """

    def __init__(self, half_life_days: float = HALF_LIFE_DAYS) -> None:
        if half_life_days <= 0:
            raise ValueError("the half-life must be positive")
        self.rate = math.log(2) / (half_life_days * 86_400.0)
        self._mass: dict[ChartKey, dict[uuid.UUID, float]] = defaultdict(dict)

    def add(self, chart: ChartKey, title_id: uuid.UUID, at: float, weight: float = 1.0) -> None:
        value = self.rate * at + math.log(weight)
        titles = self._mass[chart]
        held = titles.get(title_id)
        titles[title_id] = value if held is None else _logaddexp(held, value)

    def score(self, chart: ChartKey, title_id: uuid.UUID, now: float) -> float:
        """The decayed count at `now` (1.0: one viewer just now)."""
        held = self._mass.get(chart, {}).get(title_id)
        return 0.0 if held is None else math.exp(held - self.rate * now)

    def ranking(self, chart: ChartKey, size: int = CHART_SIZE) -> list[uuid.UUID]:
        """The chart's top `size` titles, best first; ties go to the smaller id (stable)."""
        titles = self._mass.get(chart, {})
        ordered = sorted(titles.items(), key=lambda item: (-item[1], item[0].bytes))
        return [title_id for title_id, _ in ordered[:size]]

    def charts(self) -> list[ChartKey]:
        return sorted(self._mass, key=ChartKey.sort_key)


class ChartTally:
    """Views and plays counted into their charts.

    A viewer counts once per title, chart and day (a rewatch, or a device reporting progress
    again the same day, adds nothing), in the region they live in now: facts of a viewer whose
    region is not known yet wait for it, and a viewer who moves takes their facts along (the
    tally is recounted, which is rare). Facts dated in the future count as of `now`.
    """

    def __init__(self, half_life_days: float = HALF_LIFE_DAYS) -> None:
        self.half_life_days = half_life_days
        self._facts: dict[uuid.UUID, list[View | Play]] = defaultdict(list)
        self._regions: dict[uuid.UUID, str] = {}
        self._platforms: set[str] = set()
        self._reset()

    def _reset(self) -> None:
        self.tally = DecayedTally(self.half_life_days)
        self._seen: set[tuple[ChartKey, uuid.UUID, uuid.UUID, object]] = set()

    def _count(self, fact: View | Play, now: float) -> bool:
        region = self._regions.get(fact.user_id)
        if region is None:
            return False
        chart = ChartKey(region, fact.platform if isinstance(fact, Play) else None)
        at = min(fact.at, now)
        key = (chart, fact.title_id, fact.user_id, day_of(at))
        if key in self._seen:
            return False
        self._seen.add(key)
        self.tally.add(chart, fact.title_id, at)
        return True

    def add(self, facts: Iterable[View | Play], now: float) -> bool:
        """Count new facts; True when a chart changed."""
        changed = False
        for fact in facts:
            self._facts[fact.user_id].append(fact)
            if isinstance(fact, Play):
                self._platforms.add(fact.platform)
            changed = self._count(fact, now) or changed
        return changed

    def place(self, regions: dict[uuid.UUID, str], now: float) -> bool:
        """Where viewers live (the latest wins); True when a chart changed."""
        moved = [u for u, r in regions.items() if u in self._regions and self._regions[u] != r]
        arrived = [u for u in regions if u not in self._regions]
        self._regions.update(regions)
        if moved:
            self.recount(now)
            return True
        changed = False
        for user_id in arrived:
            for fact in self._facts.get(user_id, ()):
                changed = self._count(fact, now) or changed
        return changed

    def forget(self, user_id: uuid.UUID, now: float) -> None:
        """An erased account: its facts leave every chart."""
        if self._facts.pop(user_id, None) is not None:
            self.recount(now)
        self._regions.pop(user_id, None)

    def recount(self, now: float) -> None:
        self._reset()
        for facts in self._facts.values():
            for fact in facts:
                self._count(fact, now)

    def ranking(self, chart: ChartKey, size: int = CHART_SIZE) -> list[uuid.UUID]:
        return self.tally.ranking(chart, size)

    def charts(self) -> list[ChartKey]:
        return self.tally.charts()

    @property
    def regions(self) -> set[str]:
        return set(self._regions.values())

    @property
    def platforms(self) -> set[str]:
        return set(self._platforms)

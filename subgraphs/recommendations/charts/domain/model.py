"""What a chart is made of: the facts it counts, its entries and its history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

__all__ = [
    "CHART_SIZE",
    "ChartEntry",
    "ChartHistory",
    "ChartKey",
    "Play",
    "Trend",
    "View",
    "day_of",
]

# A chart is its top 100: what `daysInTop100` counts, and what each day's snapshot keeps.
CHART_SIZE = 100
TOP_10 = 10


def day_of(at: float) -> date:
    """The chart period (a UTC day) of a Unix time."""
    return datetime.fromtimestamp(at, UTC).date()


@dataclass(frozen=True)
class ChartKey:
    """One chart: a region, and a platform or (None) all of them."""

    region: str
    platform: str | None = None

    def sort_key(self) -> tuple[str, str]:
        """Region, then all platforms before each platform."""
        return self.region, self.platform or ""


@dataclass(frozen=True)
class View:
    """A viewing (`viewing.recorded`), counted in its viewer's region's all-platforms chart."""

    user_id: uuid.UUID
    title_id: uuid.UUID
    at: float  # Unix seconds


@dataclass(frozen=True)
class Play:
    """A playback session started on a platform's offer (`playback.updated`), counted in the
    chart of that platform in the viewer's region (playback picks offers of that region)."""

    session_id: uuid.UUID
    user_id: uuid.UUID
    title_id: uuid.UUID
    platform: str
    at: float


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    STABLE = "stable"
    NEW = "new"  # not in the previous period's chart


@dataclass(frozen=True)
class ChartHistory:
    """One chart's published past, before the current period: the previous period's ranks
    and how many periods each title spent in the top 10 and the top 100."""

    previous: dict[uuid.UUID, int] = field(default_factory=dict)
    days_top10: dict[uuid.UUID, int] = field(default_factory=dict)
    days_top100: dict[uuid.UUID, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ChartEntry:
    rank: int
    title_id: uuid.UUID
    previous_rank: int | None
    days_in_top10: int
    days_in_top100: int

    @property
    def rank_change(self) -> int | None:
        """Places climbed since the previous period (negative: fell); None when new."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def trend(self) -> Trend:
        if self.previous_rank is None:
            return Trend.NEW
        if self.rank < self.previous_rank:
            return Trend.UP
        if self.rank > self.previous_rank:
            return Trend.DOWN
        return Trend.STABLE

"""GraphQL types of the charts: an entry, its trend, and the title it ranks (by @key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from subgraphs.recommendations.charts.domain import model

if TYPE_CHECKING:
    from subgraphs.recommendations.types import Title

__all__ = ["ChartEntry", "ChartTrend"]

ChartTrend = strawberry.enum(model.Trend, name="ChartTrend",
                             description="How a title moved since the previous period (a day).")


@strawberry.type(description="A title's place in a streaming chart (one region, one platform "
                             "or all), ranked from recent viewing, decayed (half-life 7 days).")
class ChartEntry:
    rank: int = strawberry.field(description="1 = most watched.")
    title: Annotated[Title, strawberry.lazy("subgraphs.recommendations.types")]
    previous_rank: int | None = strawberry.field(
        description="The rank in the previous period's chart (the latest day published before "
                    "today); null when it was not in it.")
    rank_change: int | None = strawberry.field(
        description="Places climbed since then (negative: fell); null when new.")
    trend: ChartTrend
    days_in_top10: int = strawberry.field(
        name="daysInTop10", description="Days (UTC, today included) this title was in the top 10.")
    days_in_top100: int = strawberry.field(
        name="daysInTop100", description="Days (today included) it was in the chart, the top 100.")

    @classmethod
    def from_domain(cls, entry: model.ChartEntry, title: Title) -> ChartEntry:
        """`title`: the entity reference of `entry.title_id` (built by the caller, which
        knows the Title type: this module is imported by it)."""
        return cls(rank=entry.rank, title=title,
                   previous_rank=entry.previous_rank, rank_change=entry.rank_change,
                   trend=entry.trend, days_in_top10=entry.days_in_top10,
                   days_in_top100=entry.days_in_top100)

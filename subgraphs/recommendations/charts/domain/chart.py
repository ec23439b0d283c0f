"""A chart's entries: today's ranking beside its published history."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from subgraphs.recommendations.charts.domain.model import (
    TOP_10,
    ChartEntry,
    ChartHistory,
    ChartKey,
)

__all__ = ["entries", "fold"]


def entries(ranking: Sequence[uuid.UUID], history: ChartHistory) -> list[ChartEntry]:
    """Today's ranking as entries: the previous period's rank, and the days in the top 10 and
    100 so far, today included (today's ranking is the one published today)."""
    return [
        ChartEntry(
            rank=rank, title_id=title_id, previous_rank=history.previous.get(title_id),
            days_in_top10=history.days_top10.get(title_id, 0) + (1 if rank <= TOP_10 else 0),
            days_in_top100=history.days_top100.get(title_id, 0) + 1,
        )
        for rank, title_id in enumerate(ranking, start=1)
    ]


def fold(history: Mapping[ChartKey, ChartHistory],
         rankings: Mapping[ChartKey, Sequence[uuid.UUID]]) -> dict[ChartKey, ChartHistory]:
    """The history once a period with these final rankings has closed."""
    folded = {}
    for chart in {*history, *rankings}:
        past = history.get(chart, ChartHistory())
        ranking = rankings.get(chart, ())
        top10 = dict(past.days_top10)
        top100 = dict(past.days_top100)
        for rank, title_id in enumerate(ranking, start=1):
            top100[title_id] = top100.get(title_id, 0) + 1
            if rank <= TOP_10:
                top10[title_id] = top10.get(title_id, 0) + 1
        folded[chart] = ChartHistory(
            previous={t: r for r, t in enumerate(ranking, start=1)},
            days_top10=top10, days_top100=top100)
    return folded

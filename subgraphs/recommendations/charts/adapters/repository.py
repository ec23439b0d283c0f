"""Charts' facts and snapshots in Tortoise (the port: domain/ports.py).

Views are read from the recommender's `interaction` table (its consumer stores each
`viewing.recorded` once) and regions from `user_taste`; plays and the daily ranks are charts'
own tables.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from subgraphs.recommendations.adapters.orm import (
    InteractionRow,
    TitleSignalRow,
    UserStampRow,
    UserTasteRow,
)
from subgraphs.recommendations.adapters.repository import CATALOG
from subgraphs.recommendations.charts.adapters.orm import ChartPlayRow, ChartRankRow
from subgraphs.recommendations.charts.domain.model import (
    TOP_10,
    ChartHistory,
    ChartKey,
    Play,
    View,
)
from subgraphs.recommendations.charts.domain.ports import Markets

__all__ = ["TortoiseChartsRepository"]

_BATCH = 1_000


def _platform_column(platform: str | None) -> str:
    return platform or ""


class TortoiseChartsRepository:
    async def views_after(self, cursor: int, limit: int) -> tuple[list[View], int]:
        rows = await InteractionRow.filter(id__gt=cursor).order_by("id").limit(limit).values_list(
            "id", "user_id", "title_id", "occurred_at")
        views = [View(user_id, title_id, at.timestamp()) for _, user_id, title_id, at in rows]
        return views, (rows[-1][0] if rows else cursor)

    async def plays_after(self, cursor: int, limit: int) -> tuple[list[Play], int]:
        rows = await ChartPlayRow.filter(id__gt=cursor).order_by("id").limit(limit).values_list(
            "id", "session_id", "user_id", "title_id", "platform", "started_at")
        plays = [Play(session_id, user_id, title_id, platform, at.timestamp())
                 for _, session_id, user_id, title_id, platform, at in rows]
        return plays, (rows[-1][0] if rows else cursor)

    async def regions_since(self, since: datetime | None
                            ) -> tuple[dict[uuid.UUID, str], datetime | None]:
        query = UserTasteRow.filter(home_region__isnull=False)
        if since is not None:
            query = query.filter(updated_at__gte=since)
        rows = await query.values_list("user_id", "home_region", "updated_at")
        newest = max((at for *_, at in rows), default=since)
        return {user_id: region.upper() for user_id, region, _ in rows}, newest

    async def markets(self) -> Markets:
        regions: set[str] = set()
        platforms: set[str] = set()
        for offers in await TitleSignalRow.all().values_list("offers", flat=True):
            for region, by_platform in (offers or {}).items():
                regions.add(region)
                platforms.update(by_platform)
        return regions, platforms

    async def catalog_stamp(self) -> int | None:
        found = await UserStampRow.filter(user_id=CATALOG).values_list("stamp", flat=True)
        return found[0] if found else None

    async def record_plays(self, plays: Sequence[Play]) -> int:
        unique = {play.session_id: play for play in plays}
        if not unique:
            return 0
        async with in_transaction():
            seen = set(await ChartPlayRow.filter(session_id__in=list(unique)).values_list(
                "session_id", flat=True))
            fresh = [play for session_id, play in unique.items() if session_id not in seen]
            await ChartPlayRow.bulk_create(
                [ChartPlayRow(session_id=p.session_id, user_id=p.user_id, title_id=p.title_id,
                              platform=p.platform,
                              started_at=datetime.fromtimestamp(p.at, UTC))
                 for p in fresh],
                batch_size=_BATCH, ignore_conflicts=True)
        return len(fresh)

    async def save_rankings(self, day: date,
                            rankings: Mapping[ChartKey, Sequence[uuid.UUID]]) -> None:
        if not rankings:
            return
        async with in_transaction():
            for chart in sorted(rankings, key=ChartKey.sort_key):
                await ChartRankRow.filter(day=day, region=chart.region,
                                          platform=_platform_column(chart.platform)).delete()
            await ChartRankRow.bulk_create(
                [ChartRankRow(day=day, region=chart.region,
                              platform=_platform_column(chart.platform), title_id=title_id,
                              rank=rank)
                 for chart, ranking in sorted(rankings.items(), key=lambda c: c[0].sort_key())
                 for rank, title_id in enumerate(ranking, start=1)],
                batch_size=_BATCH)

    async def history(self, before: date) -> dict[ChartKey, ChartHistory]:
        """Per chart: the ranks of the latest day before `before`, and per title the days
        (before `before`) it was in the top 10 and in the chart."""
        past = ChartRankRow.filter(day__lt=before)
        latest = await past.order_by("-day").first().values_list("day", flat=True)
        counts = await (
            past.annotate(top100=Count("id"), top10=Count("id", _filter=Q(rank__lte=TOP_10)))
            .group_by("region", "platform", "title_id")
            .values_list("region", "platform", "title_id", "top10", "top100"))
        previous: dict[ChartKey, dict[uuid.UUID, int]] = defaultdict(dict)
        if latest is not None:
            for region, platform, title_id, rank in await ChartRankRow.filter(
                    day=latest).values_list("region", "platform", "title_id", "rank"):
                previous[ChartKey(region, platform or None)][title_id] = rank
        top10: dict[ChartKey, dict[uuid.UUID, int]] = defaultdict(dict)
        top100: dict[ChartKey, dict[uuid.UUID, int]] = defaultdict(dict)
        for region, platform, title_id, in_top10, in_top100 in counts:
            chart = ChartKey(region, platform or None)
            top100[chart][title_id] = int(in_top100)
            if in_top10:
                top10[chart][title_id] = int(in_top10)
        return {chart: ChartHistory(previous.get(chart, {}), top10.get(chart, {}),
                                    top100.get(chart, {}))
                for chart in {*previous, *top100}}

    async def erase_user(self, user_id: uuid.UUID) -> None:
        await ChartPlayRow.filter(user_id=user_id).delete()

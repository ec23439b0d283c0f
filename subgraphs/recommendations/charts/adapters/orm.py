"""Tortoise models of the charts; re-exported by `subgraphs.recommendations.adapters.orm`,
where Tortoise finds models. Views are the recommender's own `interaction` rows."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["ChartPlayRow", "ChartRankRow"]


class ChartPlayRow(Model):
    """A playback session started on a platform's offer (`playback.updated`), once."""

    id = fields.BigIntField(primary_key=True)
    session_id = fields.UUIDField(unique=True)
    user_id = fields.UUIDField(db_index=True)
    title_id = fields.UUIDField()
    platform = fields.CharField(max_length=40)
    started_at = fields.DatetimeField()

    class Meta:
        table = "chart_play"


class ChartRankRow(Model):
    """A title's rank in one chart as published on one day (the top 100 of each)."""

    id = fields.BigIntField(primary_key=True)
    day = fields.DateField()
    region = fields.CharField(max_length=2)
    # "" for the all-platforms chart: a unique key cannot rely on NULLs being equal.
    platform = fields.CharField(max_length=40)
    title_id = fields.UUIDField()
    rank = fields.SmallIntField()

    class Meta:
        table = "chart_rank"
        unique_together = (("day", "region", "platform", "title_id"),)
        indexes = (("region", "platform", "title_id"),)

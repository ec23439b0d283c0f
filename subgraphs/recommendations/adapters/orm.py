"""Tortoise models of the recommendations database: projections of other subgraphs' events."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["InteractionRow", "SignalGenreRow", "TitleSignalRow", "UserTasteRow"]


class TitleSignalRow(Model):
    """One title as `title.upserted` described it, plus counters from `viewing.recorded`."""

    title_id = fields.UUIDField(primary_key=True)
    genres = fields.JSONField(default=list)
    release_year = fields.IntField(null=True)
    popularity = fields.FloatField(default=0.0)
    average_rating = fields.FloatField(null=True)
    vote_count = fields.IntField(default=0)
    rating_sum = fields.IntField(default=0)
    rating_count = fields.IntField(default=0)
    view_count = fields.IntField(default=0)
    # The ranker's popularity_score, stored so candidates come out of an index in order.
    score = fields.FloatField(default=0.0, db_index=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "title_signal"


class SignalGenreRow(Model):
    """The genres of `title_signal.genres` again, one row each, to find titles by genre."""

    id = fields.IntField(primary_key=True)
    title_id = fields.UUIDField()
    genre = fields.CharField(max_length=40, db_index=True)

    class Meta:
        table = "title_signal_genre"
        unique_together = (("title_id", "genre"),)


class InteractionRow(Model):
    id = fields.IntField(primary_key=True)
    # The `viewing.recorded` event's id: a redelivered event is not counted twice.
    event_id = fields.CharField(max_length=64, unique=True)
    user_id = fields.UUIDField(db_index=True)
    title_id = fields.UUIDField()
    rating = fields.SmallIntField(null=True)
    completed = fields.BooleanField(default=False)
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "interaction"


class UserTasteRow(Model):
    user_id = fields.UUIDField(primary_key=True)
    preferred_genres = fields.JSONField(default=list)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "user_taste"

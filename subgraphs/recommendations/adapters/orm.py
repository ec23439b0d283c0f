"""Tortoise models of the recommendations database: projections of other subgraphs' events."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# The charts' tables live with their feature; importing them here is how Tortoise finds them.
from subgraphs.recommendations.charts.adapters.orm import ChartPlayRow, ChartRankRow

__all__ = [
    "ChartPlayRow",
    "ChartRankRow",
    "FeedbackRow",
    "InteractionRow",
    "ProfileRow",
    "SignalGenreRow",
    "TitleSignalRow",
    "UserStampRow",
    "UserStateRow",
    "UserTasteRow",
]


class TitleSignalRow(Model):
    """One title as `title.upserted` described it, plus counters from `viewing.recorded`."""

    title_id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=300, default="")
    genres = fields.JSONField(default=list)
    # Minimum viewer age (null = unknown), for a profile's parental limit.
    age_rating = fields.IntField(null=True)
    runtime_minutes = fields.IntField(null=True)
    # "role:key" of the title's directors, writers and leading cast, as content published them.
    people = fields.JSONField(default=list)
    # {region: {platform: first seen, Unix seconds}}: "New on Netflix, which you have".
    offers = fields.JSONField(default=dict)
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
    progress = fields.FloatField(null=True)
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "interaction"


class UserTasteRow(Model):
    user_id = fields.UUIDField(primary_key=True)
    preferred_genres = fields.JSONField(default=list)
    home_region = fields.CharField(max_length=2, null=True)
    subscribed_platforms = fields.JSONField(default=list)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "user_taste"


class FeedbackRow(Model):
    """`recommendationFeedback`: this subgraph's own facts, replayed to rebuild adapters."""

    id = fields.IntField(primary_key=True)
    user_id = fields.UUIDField()
    title_id = fields.UUIDField()
    signal = fields.CharField(max_length=16)
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "feedback"
        indexes = (("user_id", "occurred_at"),)


class UserStateRow(Model):
    """A user's adapter in one model version's factor space; rebuilt from events if lost."""

    user_id = fields.UUIDField(primary_key=True)
    model_version = fields.CharField(max_length=32)
    vector = fields.JSONField(default=list)
    # Unix seconds of the newest event applied, and how many were.
    applied_until = fields.FloatField(default=0.0)
    events = fields.IntField(default=0)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "user_state"


class ProfileRow(Model):
    """A household profile's parental limits, from users' `profile.changed`."""

    profile_id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField(db_index=True)
    is_kid = fields.BooleanField(default=False)
    max_age = fields.IntField(null=True)
    blocked_genres = fields.JSONField(default=list)
    deleted = fields.BooleanField(default=False)
    changed_at = fields.DatetimeField()

    class Meta:
        table = "profile_limit"


class UserStampRow(Model):
    """Moves with every write of a user's facts (the nil id: of the catalog's), so a process
    that keeps them in memory knows, with one read, whether its copy is still current."""

    user_id = fields.UUIDField(primary_key=True)
    stamp = fields.BigIntField()

    class Meta:
        table = "user_stamp"

"""Tortoise models of the playback database, for every feature (`MODELS` in settings.py).

Tortoise finds a subgraph's models in one module, and the migrations test checks the tables of
the models defined here; the feature packages' repositories map these rows to their domain.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# The transactional outbox's table lives in this database too (sync facts, playback.updated).
from subgraphs.common.outbox import OutboxEvent
from subgraphs.common.profile_limits import ProfileLimitFields
from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.playback.devices.domain.model import DeviceKind, Resolution
from subgraphs.playback.remote.domain.commands import CommandKind
from subgraphs.playback.sessions.domain.model import PlaybackState

# The sync tables live with their feature; importing them here is how Tortoise finds them.
from subgraphs.playback.sync.adapters.orm import SyncSnapshotRow, SyncUpdateRow  # noqa: F401

__all__ = [
    "DeviceRow",
    "NoticeRow",
    "OfferFactRow",
    "OutboxEvent",
    "PlaybackSessionRow",
    "ProfileLimitRow",
    "RemoteCommandRow",
    "ResumePointRow",
    "TitleFactRow",
    "ViewerFactRow",
    "WatchlistFactRow",
]


class DeviceRow(Model):
    id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField(db_index=True)
    name = fields.CharField(max_length=80)
    kind = fields.CharEnumField(DeviceKind, max_length=10)
    max_resolution = fields.CharEnumField(Resolution, max_length=3)
    hdr_formats = fields.JSONField(default=list)
    audio_codecs = fields.JSONField(default=list)
    remote_controllable = fields.BooleanField(default=False)
    can_cast = fields.BooleanField(default=False)
    last_seen_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Presence as last announced to the user's devices; the sweeper flips it when heartbeats stop.
    announced_online = fields.BooleanField(default=False)

    class Meta:
        table = "device"


class PlaybackSessionRow(Model):
    id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField()
    # Removing a device removes its sessions: a session always names a device that exists.
    device = fields.ForeignKeyField(
        "models.DeviceRow", related_name="sessions", on_delete=fields.CASCADE
    )
    title_id = fields.UUIDField()
    position_seconds = fields.IntField()
    duration_seconds = fields.IntField()
    state = fields.CharEnumField(PlaybackState, max_length=10)
    updated_at = fields.DatetimeField()
    # The offer chosen at start (null when the catalog listed none for the user's region).
    platform = fields.CharField(max_length=40, null=True)
    offer_type = fields.CharEnumField(OfferType, max_length=12, null=True)
    quality = fields.CharEnumField(VideoQuality, max_length=3, null=True)
    price = fields.DecimalField(max_digits=10, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, null=True)
    deep_link = fields.CharField(max_length=500, null=True)
    web_url = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "playback_session"
        indexes = (("user_id", "updated_at"),)


class ResumePointRow(Model):
    """Where a user stands in a title, whichever session or device moved it last."""

    id = fields.IntField(primary_key=True)
    user_id = fields.UUIDField()
    title_id = fields.UUIDField()
    session_id = fields.UUIDField()
    position_seconds = fields.IntField()
    duration_seconds = fields.IntField()
    # Begun and under 95 %: what "continue watching" lists.
    unfinished = fields.BooleanField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "resume_point"
        unique_together = (("user_id", "title_id"),)
        indexes = (("user_id", "unfinished", "updated_at"),)


class RemoteCommandRow(Model):
    id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField()
    # Removing a device drops the commands it was sent; a sender's removal leaves them unsigned.
    target = fields.ForeignKeyField(
        "models.DeviceRow", related_name="commands", on_delete=fields.CASCADE
    )
    sender_id = fields.UUIDField(null=True)
    kind = fields.CharEnumField(CommandKind, max_length=10)
    args = fields.JSONField(default=dict)
    issued_at = fields.DatetimeField()
    acknowledged_at = fields.DatetimeField(null=True)

    class Meta:
        table = "remote_command"
        indexes = (("user_id", "issued_at"),)


class OfferFactRow(Model):
    """An offer as content's events announced it (playback never reads content's tables)."""

    id = fields.IntField(primary_key=True)
    title_id = fields.UUIDField()
    platform = fields.CharField(max_length=40)
    region = fields.CharField(max_length=2)
    type = fields.CharEnumField(OfferType, max_length=12)
    quality = fields.CharEnumField(VideoQuality, max_length=3, null=True)
    price = fields.DecimalField(max_digits=10, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, null=True)
    deep_link = fields.CharField(max_length=500, null=True)
    web_url = fields.CharField(max_length=500, null=True)
    available = fields.BooleanField(default=True)

    class Meta:
        table = "offer_fact"
        unique_together = (("title_id", "platform", "region", "type"),)


class ViewerFactRow(Model):
    """A user's home region and subscribed platforms, from the users subgraph's events."""

    user_id = fields.UUIDField(primary_key=True)
    home_region = fields.CharField(max_length=2)
    subscribed_platforms = fields.JSONField(default=list)

    class Meta:
        table = "viewer_fact"


class WatchlistFactRow(Model):
    """Watchlist membership from `watchlist.changed`; `present` False keeps the removal's time."""

    id = fields.IntField(primary_key=True)
    user_id = fields.UUIDField()
    title_id = fields.UUIDField(db_index=True)
    present = fields.BooleanField()
    changed_at = fields.DatetimeField()

    class Meta:
        table = "watchlist_fact"
        unique_together = (("user_id", "title_id"),)


class NoticeRow(Model):
    """A `watchlistAvailability` notice sent: one per event and user, so a redelivered
    `availability.changed` does not tell anyone twice."""

    id = fields.IntField(primary_key=True)
    event_id = fields.CharField(max_length=64)
    user_id = fields.UUIDField()
    sent_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "availability_notice"
        unique_together = (("event_id", "user_id"),)


class TitleFactRow(Model):
    """A catalog title as content's `title.upserted` announced it: what sync checks a
    watchlist add against and a profile's limits are checked with (playback never reads
    content's tables)."""

    title_id = fields.UUIDField(primary_key=True)
    announced_at = fields.DatetimeField()
    age_rating = fields.IntField(null=True)
    genres = fields.JSONField(default=list)

    class Meta:
        table = "title_fact"


class ProfileLimitRow(ProfileLimitFields):
    """A household profile's parental limits, from users' `profile.changed`."""

    class Meta:
        table = "profile_limit"

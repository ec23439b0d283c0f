"""Tortoise models of the playback database; the only place they are defined."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from subgraphs.playback.domain.model import DeviceKind, PlaybackState, Resolution

__all__ = ["DeviceRow", "PlaybackSessionRow"]


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

    class Meta:
        table = "playback_session"
        indexes = (("user_id", "updated_at"),)

"""Tortoise models of the sync state; re-exported by `subgraphs.playback.adapters.orm`, where
Tortoise finds models."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

__all__ = ["SyncSnapshotRow", "SyncUpdateRow"]


class SyncUpdateRow(Model):
    """One accepted update of a user's document, in the order it was accepted.

    Compaction folds the updates into the snapshot and the rows into one summary (the last
    folded row, without bytes): its `clock` is the greatest state any folded update brought
    each writer to and its `touched` every key they wrote, so a device coming back after any
    time still learns which values changed while it was away.
    """

    id = fields.BigIntField(primary_key=True)
    user_id = fields.UUIDField()
    update = fields.BinaryField(null=True)
    clock = fields.JSONField()
    touched = fields.JSONField()
    device_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sync_update"
        indexes = (("user_id", "id"),)


class SyncSnapshotRow(Model):
    """A user's whole document as of update `through_id`; also the row writers lock."""

    user_id = fields.UUIDField(primary_key=True)
    state = fields.BinaryField()
    through_id = fields.BigIntField(default=0)
    since_snapshot = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sync_snapshot"

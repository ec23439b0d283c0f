"""A subgraph's own copy of the household profiles' parental limits (from `profile.changed`).

Each subgraph that applies the limits keeps them in its own `profile_limit` table (its row
model subclasses `ProfileLimitFields`); this store reads and writes any such table.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from tortoise import fields
from tortoise.models import Model

from subgraphs.common.parental import ProfileLimits

__all__ = ["ProfileLimitFields", "ProfileLimitStore", "TortoiseProfileLimits"]


class ProfileLimitFields(Model):
    profile_id = fields.UUIDField(primary_key=True)
    user_id = fields.UUIDField()
    is_kid = fields.BooleanField(default=False)
    max_age = fields.IntField(null=True)
    blocked_genres = fields.JSONField(default=list)
    deleted = fields.BooleanField(default=False)
    changed_at = fields.DatetimeField()

    class Meta:
        abstract = True


class ProfileLimitStore(Protocol):
    async def get(self, profile_id: uuid.UUID) -> ProfileLimits | None: ...

    async def remember(self, profiles: Sequence[ProfileLimits]) -> int: ...

    async def forget_user(self, user_id: uuid.UUID) -> None: ...


class TortoiseProfileLimits:
    def __init__(self, row: type[ProfileLimitFields]) -> None:
        self.row = row

    async def get(self, profile_id: uuid.UUID) -> ProfileLimits | None:
        row = await self.row.get_or_none(profile_id=profile_id)
        if row is None:
            return None
        return ProfileLimits(row.profile_id, row.user_id, row.is_kid, row.max_age,
                             tuple(row.blocked_genres), row.deleted)

    async def remember(self, profiles: Sequence[ProfileLimits]) -> int:
        """Stores each profile's latest state (the last of a batch wins, as the stream is
        in order); a redelivery writes the same row again."""
        latest = {p.profile_id: p for p in profiles}
        if not latest:
            return 0
        now = datetime.now(UTC)
        await self.row.bulk_create(
            [self.row(profile_id=p.profile_id, user_id=p.user_id, is_kid=p.is_kid,
                      max_age=p.max_age, blocked_genres=list(p.blocked_genres),
                      deleted=p.deleted, changed_at=now) for p in latest.values()],
            on_conflict=["profile_id"],
            update_fields=["user_id", "is_kid", "max_age", "blocked_genres", "deleted",
                           "changed_at"],
        )
        return len(latest)

    async def forget_user(self, user_id: uuid.UUID) -> None:
        """Account deletion: the household's profiles go."""
        await self.row.filter(user_id=user_id).delete()

"""Which platforms each user subscribes to, as users last announced (`user.registered`,
`user.updated`): content keeps its own copy and never reads the users' tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from subgraphs.content.adapters.orm import ViewerPlatformsRow

__all__ = ["TortoiseViewerPlatforms", "ViewerPlatforms", "ViewerPlatformsStore"]


@dataclass(frozen=True)
class ViewerPlatforms:
    user_id: uuid.UUID
    home_region: str
    platforms: tuple[str, ...]


class ViewerPlatformsStore(Protocol):
    async def get(self, user_id: uuid.UUID) -> ViewerPlatforms | None: ...

    async def remember(self, viewers: Sequence[ViewerPlatforms], replace: bool = True) -> int: ...

    async def forget_user(self, user_id: uuid.UUID) -> None: ...


class TortoiseViewerPlatforms:
    async def get(self, user_id: uuid.UUID) -> ViewerPlatforms | None:
        row = await ViewerPlatformsRow.get_or_none(user_id=user_id)
        if row is None:
            return None
        return ViewerPlatforms(row.user_id, row.home_region, tuple(row.platforms))

    async def remember(self, viewers: Sequence[ViewerPlatforms], replace: bool = True) -> int:
        """Each user's latest state (the stream is in order: the last of a batch wins); a
        redelivery writes the same row again. `replace=False` only adds users not yet held."""
        latest = {viewer.user_id: viewer for viewer in viewers}
        if not latest:
            return 0
        now = datetime.now(UTC)
        await ViewerPlatformsRow.bulk_create(
            [ViewerPlatformsRow(user_id=v.user_id, home_region=v.home_region,
                                platforms=list(v.platforms), changed_at=now)
             for v in latest.values()],
            **({"on_conflict": ["user_id"],
                "update_fields": ["home_region", "platforms", "changed_at"]}
               if replace else {"ignore_conflicts": True}),
        )
        return len(latest)

    async def forget_user(self, user_id: uuid.UUID) -> None:
        await ViewerPlatformsRow.filter(user_id=user_id).delete()

"""The personalisation hook: a per-title score for the viewer, from recommendations (later)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

__all__ = ["NoPersonalScores", "PersonalScores"]


class PersonalScores(Protocol):
    async def scores(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, float]:
        """0..1 per title for this user; titles without a score are left out."""


class NoPersonalScores:
    """Today's implementation: nothing known, so the `personal` part stays out of the total.

    A later issue fills this from the recommendations subgraph (by event-fed projection, never by
    reading its database).
    """

    async def scores(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, float]:
        return {}

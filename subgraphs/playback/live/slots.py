"""How many live subscriptions each user holds on this process, within a configured limit.

The router carries all of one identity's subscriptions on one upstream socket, so a limit per
socket would be a limit per user that says nothing about itself; this one is per user, set by
`MG_PLAYBACK_MAX_SUBSCRIPTIONS_PER_USER`, and refuses with `SUBSCRIPTION_LIMIT`. It counts per
process: with several replicas a user may hold up to the limit on each.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

from subgraphs.common.errors import DomainError
from subgraphs.common.metrics import SUBSCRIPTIONS
from subgraphs.playback.settings import NAME

__all__ = ["SubscriptionLimitReached", "SubscriptionSlots"]


class SubscriptionLimitReached(DomainError):
    code = "SUBSCRIPTION_LIMIT"


class SubscriptionSlots:
    def __init__(self, per_user: int) -> None:
        self.per_user = per_user
        self._held: dict[uuid.UUID, int] = {}

    def held_by(self, user_id: uuid.UUID) -> int:
        return self._held.get(user_id, 0)

    @contextlib.asynccontextmanager
    async def slot(self, user_id: uuid.UUID) -> AsyncIterator[None]:
        held = self._held.get(user_id, 0)
        if held >= self.per_user:
            raise SubscriptionLimitReached(
                f"At most {self.per_user} subscriptions at once: end one first.",
                limit=self.per_user,
            )
        self._held[user_id] = held + 1
        SUBSCRIPTIONS.labels(NAME).inc()
        try:
            yield
        finally:
            SUBSCRIPTIONS.labels(NAME).dec()
            left = self._held[user_id] - 1
            if left:
                self._held[user_id] = left
            else:
                del self._held[user_id]

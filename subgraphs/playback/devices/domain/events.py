"""What presence announces on the user's device channel (`remote.domain.events.DeviceEvent`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

__all__ = ["PresenceChanged"]


@dataclass(frozen=True)
class PresenceChanged:
    """A device came online (first heartbeat after a silence) or went offline (90 s silent)."""

    user_id: uuid.UUID
    device_id: uuid.UUID
    online: bool
    at: datetime

"""Events the OAuth flows publish."""

from __future__ import annotations

import uuid

from subgraphs.common import contracts
from subgraphs.common.events import Event
from subgraphs.users.oauth.domain import Client

__all__ = ["DEVICE_SIGNED_IN", "device_signed_in"]

DEVICE_SIGNED_IN = contracts.DEVICE_SIGNED_IN.name


def device_signed_in(user_id: uuid.UUID, client: Client, family_id: uuid.UUID) -> Event:
    """A TV (or other input-constrained device) signed in with the device flow: playback owns
    devices and registers it. The family id names the sign-in, so a redelivery adds nothing."""
    return Event(
        DEVICE_SIGNED_IN,
        {"user_id": str(user_id), "client_id": client.client_id, "client_name": client.name,
         "sign_in_id": str(family_id)},
        id=str(family_id),
    )

"""Who may write a user's sync document: the user's registered devices (playback's own table)."""

from __future__ import annotations

import uuid

from subgraphs.playback.devices.adapters.repository import DeviceRepository

__all__ = ["RegisteredDevices"]


class RegisteredDevices:
    def __init__(self, repo: DeviceRepository) -> None:
        self.repo = repo

    async def is_registered(self, user_id: uuid.UUID, device_id: str) -> bool:
        try:
            wanted = uuid.UUID(device_id)
        except ValueError:
            return False
        device = (await self.repo.devices_by_ids([wanted])).get(wanted)
        # Another user's device is answered like an unknown one: no oracle.
        return device is not None and device.user_id == user_id

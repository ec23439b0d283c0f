"""Demo devices: every MovieLens user gets a living-room TV and a phone, with stable ids."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction
from tqdm import tqdm

from mediagateway.movielens import MovieLens
from subgraphs.common.events import EventBus
from subgraphs.common.ids import stable_id
from subgraphs.playback.adapters.orm import DeviceRow
from subgraphs.playback.devices.adapters.repository import device_row
from subgraphs.playback.devices.domain.model import Capabilities, Device, DeviceKind, Resolution

__all__ = ["demo_devices", "seed"]

_BATCH = 1_000

_TV = Capabilities(
    max_resolution=Resolution.UHD,
    hdr_formats=("HDR10", "Dolby Vision"),
    audio_codecs=("AAC", "AC-3", "E-AC-3", "Dolby Atmos"),
    remote_controllable=True,
    can_cast=True,
)
_PHONE = Capabilities(
    max_resolution=Resolution.HD,
    audio_codecs=("AAC",),
)


def demo_devices(user_id: uuid.UUID) -> list[Device]:
    """The same two devices, with the same ids, on every run."""
    return [
        Device(stable_id("device", user_id, "tv"), user_id, "Living room TV", DeviceKind.TV, _TV),
        Device(stable_id("device", user_id, "phone"), user_id, "Phone", DeviceKind.PHONE, _PHONE),
    ]


async def seed(data: MovieLens, bus: EventBus) -> bool:
    """Give every demo user two devices; returns False when devices already exist.

    Called with this subgraph's database open. Publishes nothing: no other subgraph needs
    to know about devices, and sessions start only when someone presses play.
    """
    del bus
    if await DeviceRow.exists():
        return False
    rows = [device_row(device) for user in data.users for device in demo_devices(user.id)]
    async with in_transaction():
        for start in tqdm(range(0, len(rows), _BATCH), desc="playback: devices", unit="batch"):
            await DeviceRow.bulk_create(rows[start : start + _BATCH])
    return True

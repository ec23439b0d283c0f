"""Device use cases: plain async functions over the repository, raising domain errors."""

from __future__ import annotations

import uuid
from datetime import datetime

from subgraphs.playback.devices.adapters.repository import DeviceRepository
from subgraphs.playback.devices.domain.errors import DeviceLimitReached, DeviceNotFound
from subgraphs.playback.devices.domain.model import (
    MAX_DEVICES,
    MAX_NAME_LENGTH,
    Capabilities,
    Device,
    DeviceKind,
    check_capabilities,
    check_device_name,
)

__all__ = [
    "SIGNED_IN_TV",
    "own_device",
    "register_device",
    "register_signed_in_device",
    "remove_device",
    "rename_device",
]


async def own_device(
    repo: DeviceRepository, user_id: uuid.UUID, device_id: uuid.UUID
) -> Device:
    """The caller's device, else NOT_FOUND: another user's device is answered as an unknown
    one, so that an id tells nobody whether it exists."""
    device = (await repo.devices_by_ids([device_id])).get(device_id)
    if device is None or device.user_id != user_id:
        raise DeviceNotFound(device_id)
    return device


async def register_device(
    repo: DeviceRepository,
    user_id: uuid.UUID,
    name: str,
    kind: DeviceKind,
    capabilities: Capabilities,
    now: datetime,
) -> Device:
    device = Device(
        id=uuid.uuid4(),
        user_id=user_id,
        name=check_device_name(name),
        kind=kind,
        capabilities=check_capabilities(capabilities),
        last_seen_at=now,
    )
    async with repo.atomic():
        await repo.lock_user(user_id)
        if await repo.count_devices(user_id) >= MAX_DEVICES:
            raise DeviceLimitReached(MAX_DEVICES)
        await repo.add_device(device)
    return device


# Devices signed in with the device flow get an id derived from the sign-in, so a redelivered
# `device.signed_in` finds the device it already made.
_SIGNED_IN_DEVICES = uuid.UUID("5b0c4a3e-7d1f-4f4e-9a55-2a1d6f0c7e10")
# What a TV app signing in with the device flow can do until it says more (`registerDevice`).
SIGNED_IN_TV = Capabilities(remote_controllable=True)


async def register_signed_in_device(
    repo: DeviceRepository, user_id: uuid.UUID, sign_in_id: str, name: str, now: datetime
) -> Device | None:
    """The TV that signed in (device authorization grant) as one of the user's devices; the
    existing one on a redelivery, None when the user already has the most devices allowed."""
    device_id = uuid.uuid5(_SIGNED_IN_DEVICES, sign_in_id)
    existing = (await repo.devices_by_ids([device_id])).get(device_id)
    if existing is not None:
        return existing
    device = Device(
        id=device_id,
        user_id=user_id,
        name=check_device_name(" ".join(name.split())[:MAX_NAME_LENGTH] or "TV"),
        kind=DeviceKind.TV,
        capabilities=SIGNED_IN_TV,
        last_seen_at=now,
    )
    async with repo.atomic():
        await repo.lock_user(user_id)
        if device_id in await repo.devices_by_ids([device_id]):
            return None  # another replica made it meanwhile
        if await repo.count_devices(user_id) >= MAX_DEVICES:
            return None
        await repo.add_device(device)
    return device


async def rename_device(
    repo: DeviceRepository, user_id: uuid.UUID, device_id: uuid.UUID, name: str
) -> Device:
    device = (await own_device(repo, user_id, device_id)).renamed(name)
    await repo.save_device(device)
    return device


async def remove_device(
    repo: DeviceRepository, user_id: uuid.UUID, device_id: uuid.UUID
) -> uuid.UUID:
    await own_device(repo, user_id, device_id)
    async with repo.atomic():
        await repo.remove_device(device_id)
    return device_id

"""Devices: a Protocol the services use and its Tortoise implementation, presence flags too."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

from tortoise import connections
from tortoise.transactions import in_transaction

from subgraphs.playback.adapters.orm import DeviceRow, PlaybackSessionRow
from subgraphs.playback.devices.domain.model import Capabilities, Device

__all__ = ["DeviceRepository", "TortoiseDeviceRepository", "device_from_row", "device_row"]


class DeviceRepository(Protocol):
    def atomic(self) -> AbstractAsyncContextManager[Any]:
        """A transaction: everything inside commits together or not at all."""
        ...

    async def devices_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Device]: ...

    async def devices_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Device]]: ...

    async def count_devices(self, user_id: uuid.UUID) -> int: ...

    async def lock_user(self, user_id: uuid.UUID) -> None:
        """Inside `atomic()`: serialise with other transactions for the same user."""
        ...

    async def add_device(self, device: Device) -> None: ...

    async def save_device(self, device: Device) -> None: ...

    async def remove_device(self, device_id: uuid.UUID) -> None:
        """The device and its playback sessions."""
        ...

    async def mark_online(self, device_id: uuid.UUID, now: datetime) -> bool:
        """Heartbeat: last seen now; True when the device had been announced offline."""
        ...

    async def sweep_offline(self, cutoff: datetime) -> list[Device]:
        """Devices announced online whose last heartbeat is older than `cutoff`, now offline."""
        ...


def _lock_key(user_id: uuid.UUID) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit key.
    return int.from_bytes(user_id.bytes[:8], "big", signed=True)


def device_from_row(row: DeviceRow) -> Device:
    return Device(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        kind=row.kind,
        capabilities=Capabilities(
            max_resolution=row.max_resolution,
            hdr_formats=tuple(row.hdr_formats),
            audio_codecs=tuple(row.audio_codecs),
            remote_controllable=row.remote_controllable,
            can_cast=row.can_cast,
        ),
        last_seen_at=row.last_seen_at,
    )


def device_row(device: Device) -> DeviceRow:
    caps = device.capabilities
    return DeviceRow(
        id=device.id,
        user_id=device.user_id,
        name=device.name,
        kind=device.kind,
        max_resolution=caps.max_resolution,
        hdr_formats=list(caps.hdr_formats),
        audio_codecs=list(caps.audio_codecs),
        remote_controllable=caps.remote_controllable,
        can_cast=caps.can_cast,
        last_seen_at=device.last_seen_at,
    )


class TortoiseDeviceRepository:
    """Every read is one query however many keys it gets."""

    def atomic(self) -> AbstractAsyncContextManager[Any]:
        return in_transaction()

    async def devices_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Device]:
        rows = await DeviceRow.filter(id__in=list(set(ids)))
        return {row.id: device_from_row(row) for row in rows}

    async def devices_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Device]]:
        rows = await DeviceRow.filter(user_id__in=list(set(ids))).order_by("created_at", "id")
        found: dict[uuid.UUID, list[Device]] = defaultdict(list)
        for row in rows:
            found[row.user_id].append(device_from_row(row))
        return found

    async def count_devices(self, user_id: uuid.UUID) -> int:
        return await DeviceRow.filter(user_id=user_id).count()

    async def lock_user(self, user_id: uuid.UUID) -> None:
        connection = connections.get("default")  # the transaction's, inside `atomic()`
        if connection.capabilities.dialect == "postgres":
            # Held until commit: two registrations for one user cannot both count 9.
            await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [_lock_key(user_id)])
        # SQLite allows one writing transaction at a time: the transaction is the lock.

    async def add_device(self, device: Device) -> None:
        await device_row(device).save(force_create=True)

    async def save_device(self, device: Device) -> None:
        caps = device.capabilities
        await DeviceRow.filter(id=device.id).update(
            name=device.name,
            max_resolution=caps.max_resolution,
            hdr_formats=list(caps.hdr_formats),
            audio_codecs=list(caps.audio_codecs),
            remote_controllable=caps.remote_controllable,
            can_cast=caps.can_cast,
            last_seen_at=device.last_seen_at,
        )

    async def remove_device(self, device_id: uuid.UUID) -> None:
        await PlaybackSessionRow.filter(device_id=device_id).delete()
        await DeviceRow.filter(id=device_id).delete()

    async def mark_online(self, device_id: uuid.UUID, now: datetime) -> bool:
        # The conditional update decides which request (or replica) announces the change.
        came_online = await DeviceRow.filter(id=device_id, announced_online=False).update(
            last_seen_at=now, announced_online=True
        )
        if not came_online:
            await DeviceRow.filter(id=device_id).update(last_seen_at=now)
        return bool(came_online)

    async def sweep_offline(self, cutoff: datetime) -> list[Device]:
        stale = await DeviceRow.filter(announced_online=True, last_seen_at__lt=cutoff)
        gone = []
        for row in stale:
            # Only the sweeper that flips the flag announces it; a heartbeat in between wins.
            if await DeviceRow.filter(
                id=row.id, announced_online=True, last_seen_at__lt=cutoff
            ).update(announced_online=False):
                gone.append(device_from_row(row))
        return gone

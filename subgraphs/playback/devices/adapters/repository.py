"""Devices and sessions: a Protocol the services use and its Tortoise implementation."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from tortoise import connections
from tortoise.transactions import in_transaction

from subgraphs.playback.adapters.orm import DeviceRow, PlaybackSessionRow
from subgraphs.playback.domain.model import Capabilities, Device, PlaybackSession
from subgraphs.playback.domain.offers import ChosenOffer, OfferFact, OfferType

__all__ = ["PlaybackRepository", "TortoisePlaybackRepository", "device_row"]


class PlaybackRepository(Protocol):
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

    async def remove_device(self, device_id: uuid.UUID) -> None: ...

    async def sessions_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PlaybackSession]: ...

    async def list_sessions(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[PlaybackSession], int]: ...

    async def add_session(self, session: PlaybackSession) -> None: ...

    async def save_session(self, session: PlaybackSession) -> None: ...


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


def _offer_from_row(row: PlaybackSessionRow) -> ChosenOffer | None:
    if row.platform is None or row.offer_type is None or row.quality is None:
        return None
    return ChosenOffer(
        offer=OfferFact(
            title_id=row.title_id, platform=row.platform, region="", type=row.offer_type,
            price=row.price, currency=row.currency, deep_link=row.deep_link,
            web_url=row.web_url,
        ),
        quality=row.quality,
        included=row.offer_type is OfferType.SUBSCRIPTION,
    )


def session_from_row(row: PlaybackSessionRow) -> PlaybackSession:
    return PlaybackSession(
        id=row.id,
        user_id=row.user_id,
        device_id=row.device_id,  # type: ignore[attr-defined]
        title_id=row.title_id,
        position_seconds=row.position_seconds,
        duration_seconds=row.duration_seconds,
        state=row.state,
        updated_at=row.updated_at,
        offer=_offer_from_row(row),
    )


class TortoisePlaybackRepository:
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

    async def sessions_by_ids(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, PlaybackSession]:
        rows = await PlaybackSessionRow.filter(id__in=list(set(ids)))
        return {row.id: session_from_row(row) for row in rows}

    async def list_sessions(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[PlaybackSession], int]:
        query = PlaybackSessionRow.filter(user_id=user_id)
        total = await query.count()
        rows = await query.order_by("-updated_at", "id").offset(offset).limit(limit)
        return [session_from_row(row) for row in rows], total

    async def add_session(self, session: PlaybackSession) -> None:
        chosen = session.offer
        offer = chosen.offer if chosen else None
        await PlaybackSessionRow.create(
            platform=offer.platform if offer else None,
            offer_type=offer.type if offer else None,
            quality=chosen.quality if chosen else None,
            price=offer.price if offer else None,
            currency=offer.currency if offer else None,
            deep_link=offer.deep_link if offer else None,
            web_url=offer.web_url if offer else None,
            id=session.id,
            user_id=session.user_id,
            device_id=session.device_id,
            title_id=session.title_id,
            position_seconds=session.position_seconds,
            duration_seconds=session.duration_seconds,
            state=session.state,
            updated_at=session.updated_at,
        )

    async def save_session(self, session: PlaybackSession) -> None:
        await PlaybackSessionRow.filter(id=session.id).update(
            position_seconds=session.position_seconds,
            state=session.state,
            updated_at=session.updated_at,
        )

"""Sync use cases: accept a device's updates and typed operations, catch a device up.

Who may write (the user's registered devices), which titles a watchlist takes (the catalog's)
and how far ahead a device's clock may run are decided here; `documents` keeps the result.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Protocol

from pycrdt import merge_updates

from subgraphs.common.errors import BadInput
from subgraphs.playback.sync.documents import SyncDocuments
from subgraphs.playback.sync.domain.changes import Change
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.doc_schema import InvalidUpdate, Writer
from subgraphs.playback.sync.domain.errors import InvalidSyncInput
from subgraphs.playback.sync.domain.hlc import Clock, Hlc
from subgraphs.playback.sync.domain.state_vector import decode_state_vector
from subgraphs.playback.sync.messages import MAX_UPDATE_BYTES, SyncMessage

__all__ = ["MAX_DRIFT_MS", "DeviceDirectory", "SyncService", "TitleDirectory"]

# How far ahead of the server's clock a stamp may be (`MG_PLAYBACK_SYNC_MAX_DRIFT_S` sets it in
# the app).
MAX_DRIFT_MS = 300_000


class DeviceDirectory(Protocol):
    async def is_registered(self, user_id: uuid.UUID, device_id: str) -> bool:
        """True when `device_id` is one of the user's registered devices."""
        ...


class TitleDirectory(Protocol):
    async def known_titles(self, title_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Those of `title_ids` that the catalog announced (playback's own projection)."""
        ...


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class SyncService:
    def __init__(
        self, documents: SyncDocuments, *, devices: DeviceDirectory, titles: TitleDirectory,
        max_drift_ms: int = MAX_DRIFT_MS,
    ) -> None:
        self.documents = documents
        self.devices = devices
        self.titles = titles
        self.max_drift_ms = max_drift_ms

    async def _registered(self, user_id: uuid.UUID, device_id: str) -> None:
        if not await self.devices.is_registered(user_id, device_id):
            raise BadInput("`deviceId` is not one of your registered devices.",
                           field="deviceId", reason="UNKNOWN_DEVICE")

    async def _catalog_titles(self, title_ids: Iterable[str], field_name: str) -> None:
        wanted = {uuid.UUID(title) for title in title_ids}
        if not wanted:
            return
        missing = wanted - await self.titles.known_titles(wanted)
        if missing:
            raise BadInput("The title id names no catalog title.", field=field_name,
                           reason="UNKNOWN_TITLE")

    def _writer(self, device_id: str) -> Writer:
        return Writer(device_id, _now_ms(), self.max_drift_ms)

    @staticmethod
    def _stamp(doc: SyncDoc, device_id: str) -> Hlc:
        clock = Clock(device_id)
        latest = doc.latest_hlc()
        if latest is not None:
            clock.observe(latest)
        return clock.now()

    async def apply_update(self, user_id: uuid.UUID, device_id: str, update: bytes) -> SyncMessage:
        """A device's own CRDT update; refused whole when it breaks the document's schema."""
        if len(update) > MAX_UPDATE_BYTES:
            raise InvalidSyncInput(
                f"An update is at most {MAX_UPDATE_BYTES} bytes.", "UPDATE_TOO_LARGE"
            )
        await self._registered(user_id, device_id)

        async def op(doc: SyncDoc) -> Change:
            try:
                checked = doc.check(update, self._writer(device_id))
            except InvalidUpdate as error:
                raise InvalidSyncInput(f"Refused update: {error}.", error.reason) from None
            await self._catalog_titles(checked.added_titles, "update")
            before = doc.view_of(checked.touched)
            accepted = checked.update
            if accepted:
                doc.merge(accepted)
            if checked.new_clients:
                accepted = merge_updates(
                    accepted, doc.claim_clients(checked.new_clients, device_id)
                )
            return Change(accepted, checked.touched, before)

        return await self.documents.write(user_id, device_id, op)

    async def add_to_watchlist(self, user_id: uuid.UUID, device_id: str, title_id: uuid.UUID
                               ) -> SyncMessage:
        await self._registered(user_id, device_id)
        await self._catalog_titles([str(title_id)], "titleId")
        return await self.documents.write(user_id, device_id, lambda doc: doc.add_to_watchlist(
            str(title_id), self._stamp(doc, device_id)))

    async def remove_from_watchlist(self, user_id: uuid.UUID, device_id: str,
                                    title_id: uuid.UUID) -> SyncMessage:
        await self._registered(user_id, device_id)
        return await self.documents.write(
            user_id, device_id,
            lambda doc: doc.remove_from_watchlist(str(title_id), self._stamp(doc, device_id)))

    async def report_progress(self, user_id: uuid.UUID, device_id: str, title_id: uuid.UUID,
                              position: int, duration: int) -> SyncMessage:
        if duration <= 0 or not 0 <= position <= duration:
            raise BadInput(
                f"`positionSeconds` must be between 0 and `durationSeconds` ({duration}), "
                f"which must be positive.", field="positionSeconds",
            )
        await self._registered(user_id, device_id)
        return await self.documents.write(user_id, device_id, lambda doc: doc.report_progress(
            str(title_id), position, duration, self._stamp(doc, device_id)))

    async def set_preference(self, user_id: uuid.UUID, device_id: str, name: str, value: str
                             ) -> SyncMessage:
        await self._registered(user_id, device_id)

        def op(doc: SyncDoc) -> Change:
            try:
                return doc.set_preference(name, value, self._stamp(doc, device_id))
            except InvalidUpdate as error:
                raise BadInput(f"Refused preference: {error}.", field="name") from None

        return await self.documents.write(user_id, device_id, op)

    async def catch_up(self, user_id: uuid.UUID, state_vector: bytes | None) -> SyncMessage:
        """What a device at `state_vector` lacks (everything without one), decoded too."""
        try:
            have = decode_state_vector(state_vector) if state_vector is not None else None
        except InvalidUpdate:
            raise InvalidSyncInput("The state vector does not decode.", "INVALID_STATE_VECTOR"
                                   ) from None
        return await self.documents.catch_up(user_id, state_vector, have)

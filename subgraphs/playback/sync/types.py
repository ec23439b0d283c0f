"""GraphQL types of device sync: the binary update and the same change decoded."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import strawberry

from subgraphs.playback.sync.messages import SyncMessage, encode_b64

__all__ = ["SyncEvent", "SyncEventKind", "SyncPayload"]


@strawberry.enum
class SyncEventKind(enum.Enum):
    WATCHLIST_ADDED = "WATCHLIST_ADDED"
    WATCHLIST_REMOVED = "WATCHLIST_REMOVED"
    PROGRESS_CHANGED = "PROGRESS_CHANGED"
    PREFERENCE_CHANGED = "PREFERENCE_CHANGED"


@strawberry.type(description="One change, for devices that do not run a CRDT.")
class SyncEvent:
    kind: SyncEventKind
    title_id: strawberry.ID | None = None
    position_seconds: int | None = None
    duration_seconds: int | None = None
    completed: bool | None = strawberry.field(default=None, description="Watched past 95 %.")
    name: str | None = strawberry.field(default=None, description="A preference's name.")
    value: str | None = None
    hlc: str | None = strawberry.field(default=None, description="Hybrid logical clock stamp.")
    device_id: strawberry.ID | None = None

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SyncEvent:
        title = payload.get("title_id")
        device = payload.get("device_id")
        return cls(
            kind=SyncEventKind(payload["kind"]),
            title_id=strawberry.ID(title) if title else None,
            position_seconds=payload.get("position_seconds"),
            duration_seconds=payload.get("duration_seconds"),
            completed=payload.get("completed"),
            name=payload.get("name"),
            value=payload.get("value"),
            hlc=payload.get("hlc"),
            device_id=strawberry.ID(device) if device else None,
        )


@strawberry.type(description="A sync update: base64 of the binary pycrdt update, and decoded.")
class SyncPayload:
    update: str = strawberry.field(description="Base64 of the binary update; empty: nothing new.")
    state_vector: str = strawberry.field(
        description="Base64 of the server's state vector after this update."
    )
    events: list[SyncEvent]
    catch_up: bool = strawberry.field(
        description="True for the first message of a subscription: what the device missed."
    )
    origin_device_id: strawberry.ID | None = strawberry.field(
        description="The device whose change this is; null for the server or catch-up."
    )

    @classmethod
    def from_message(cls, message: SyncMessage) -> SyncPayload:
        return cls(
            update=encode_b64(message.update),
            state_vector=encode_b64(message.state_vector),
            events=[SyncEvent.from_payload(change) for change in message.changes],
            catch_up=message.catch_up,
            origin_device_id=strawberry.ID(message.device_id) if message.device_id else None,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SyncPayload:
        """From a published `SyncMessage.to_json()`: its base64 is used as it is."""
        device = data.get("device_id")
        return cls(
            update=data["update"],
            state_vector=data["state_vector"],
            events=[SyncEvent.from_payload(change) for change in data["changes"]],
            catch_up=False,
            origin_device_id=strawberry.ID(device) if device else None,
        )

"""What a device receives from sync, and the base64 its binary parts travel in."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from subgraphs.playback.sync.domain.errors import InvalidSyncInput

__all__ = ["MAX_UPDATE_BYTES", "SyncMessage", "decode_b64", "encode_b64"]

MAX_UPDATE_BYTES = 64 * 1024


def encode_b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def decode_b64(text: str, what: str, limit: int = MAX_UPDATE_BYTES) -> bytes:
    if len(text) > (limit * 4) // 3 + 4:
        raise InvalidSyncInput(f"The {what} is larger than {limit} bytes.", "UPDATE_TOO_LARGE")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSyncInput(f"The {what} is not base64.", "INVALID_BASE64") from None
    if len(data) > limit:
        raise InvalidSyncInput(f"The {what} is larger than {limit} bytes.", "UPDATE_TOO_LARGE")
    return data


@dataclass(frozen=True)
class SyncMessage:
    """What a device receives: the binary update and the same change decoded."""

    id: int
    update: bytes
    changes: list[dict[str, Any]]
    state_vector: bytes
    catch_up: bool = False
    device_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "update": encode_b64(self.update), "changes": self.changes,
            "state_vector": encode_b64(self.state_vector), "device_id": self.device_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SyncMessage:
        return cls(
            id=int(data["id"]), update=base64.b64decode(data["update"]),
            changes=list(data["changes"]), state_vector=base64.b64decode(data["state_vector"]),
            device_id=data.get("device_id"),
        )

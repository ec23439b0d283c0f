"""Device events (presence, commands, acks, availability) on each user's pub/sub channel."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any, Protocol

from redis.asyncio import Redis

from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.facts.domain.model import TitleBecameAvailable
from subgraphs.playback.live.hub import SyncHub
from subgraphs.playback.remote.adapters.commands import command_from_json, command_json
from subgraphs.playback.remote.domain.events import (
    CommandAcknowledged,
    CommandIssued,
    DeviceEvent,
)

__all__ = [
    "DeviceChannel",
    "RedisDeviceChannel",
    "device_channel_for",
    "event_from_json",
    "event_json",
]


def device_channel_for(user_id: uuid.UUID) -> str:
    return f"playback:devices:{user_id}"


class DeviceChannel(Protocol):
    async def publish(self, event: DeviceEvent) -> None: ...

    def events(self, user_id: uuid.UUID) -> AsyncIterator[DeviceEvent]: ...


def _user_of(event: DeviceEvent) -> uuid.UUID:
    if isinstance(event, CommandIssued | CommandAcknowledged):
        return event.command.user_id
    return event.user_id


def event_json(event: DeviceEvent) -> dict[str, Any]:
    if isinstance(event, PresenceChanged):
        return {"kind": "presence", "user_id": str(event.user_id),
                "device_id": str(event.device_id), "online": event.online,
                "at": event.at.isoformat()}
    if isinstance(event, CommandIssued):
        return {"kind": "command", "command": command_json(event.command)}
    if isinstance(event, CommandAcknowledged):
        return {"kind": "ack", "command": command_json(event.command)}
    return {"kind": "available", "user_id": str(event.user_id),
            "title_id": str(event.title_id), "platform": event.platform,
            "region": event.region, "offer_type": event.offer_type,
            "at": event.at.isoformat()}


def event_from_json(raw: Mapping[str, Any]) -> DeviceEvent:
    kind = raw["kind"]
    if kind == "presence":
        return PresenceChanged(uuid.UUID(raw["user_id"]), uuid.UUID(raw["device_id"]),
                               bool(raw["online"]), datetime.fromisoformat(raw["at"]))
    if kind == "command":
        return CommandIssued(command_from_json(raw["command"]))
    if kind == "ack":
        return CommandAcknowledged(command_from_json(raw["command"]))
    return TitleBecameAvailable(uuid.UUID(raw["user_id"]), uuid.UUID(raw["title_id"]),
                                raw["platform"], raw["region"], raw["offer_type"],
                                datetime.fromisoformat(raw["at"]))


class RedisDeviceChannel:
    """One Redis subscription per process and user, shared by all local sockets (SyncHub)."""

    def __init__(self, redis: Redis) -> None:
        self.hub = SyncHub(redis, channel=device_channel_for)

    async def publish(self, event: DeviceEvent) -> None:
        await self.hub.publish(_user_of(event), event_json(event))

    async def events(self, user_id: uuid.UUID) -> AsyncIterator[DeviceEvent]:
        # Decoded once per event by the hub, shared by all the user's sockets.
        async with self.hub.listen(user_id, decode=event_from_json) as queue:
            while True:
                yield await queue.get()

    async def close(self) -> None:
        await self.hub.close()

"""Presence use cases: heartbeats, and the sweep that notices devices gone silent.

Online is derived from the last heartbeat (90 s), so reads are always right; the sweep only
turns the moment a device went silent into a `PresenceChanged` event for the user's devices.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from subgraphs.playback.devices.adapters.repository import DeviceRepository
from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.devices.domain.model import ONLINE_WINDOW, Device
from subgraphs.playback.devices.services import own_device

__all__ = [
    "COMMAND_RETENTION",
    "SWEEP_INTERVAL_SECONDS",
    "CommandPruner",
    "PresenceChannel",
    "heartbeat",
    "run_sweeper",
    "sweep_once",
]

logger = logging.getLogger("mediagateway.playback")

# A silent device is announced offline at most this long after its 90 s are up.
SWEEP_INTERVAL_SECONDS = 5.0
# Commands expire after 5 s; a day of them is kept to look into, then they go (checked hourly).
COMMAND_RETENTION = timedelta(days=1)
PRUNE_INTERVAL = timedelta(hours=1)


class PresenceChannel(Protocol):
    """Where presence is announced: the user's device channel (`remote.adapters.channel`)."""

    async def publish(self, event: PresenceChanged) -> None: ...


class CommandPruner(Protocol):
    """The remote commands' store (`remote.adapters.commands`), as far as the sweep prunes it."""

    async def delete_commands_before(self, cutoff: datetime) -> int: ...


async def heartbeat(
    repo: DeviceRepository,
    channel: PresenceChannel,
    user_id: uuid.UUID,
    device_id: uuid.UUID,
    now: datetime,
) -> Device:
    """The device is alive for 90 more seconds; its first heartbeat after a silence says so."""
    device = (await own_device(repo, user_id, device_id)).seen(now)
    if await repo.mark_online(device_id, now):
        await channel.publish(PresenceChanged(user_id, device_id, True, now))
    return device


async def sweep_once(
    repo: DeviceRepository, channel: PresenceChannel, now: datetime
) -> list[Device]:
    """Announce every device whose heartbeats stopped; safe to run on every replica at once."""
    gone = await repo.sweep_offline(now - ONLINE_WINDOW)
    for device in gone:
        await channel.publish(PresenceChanged(device.user_id, device.id, False, now))
    return gone


async def run_sweeper(
    repo: DeviceRepository,
    commands: CommandPruner,
    channel: PresenceChannel,
    stop: asyncio.Event,
    interval: float = SWEEP_INTERVAL_SECONDS,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Sweep every `interval` seconds, and prune old commands hourly, until `stop` is set."""
    pruned_at: datetime | None = None
    while not stop.is_set():
        now = clock()
        try:
            await sweep_once(repo, channel, now)
            if pruned_at is None or now - pruned_at >= PRUNE_INTERVAL:
                await commands.delete_commands_before(now - COMMAND_RETENTION)
                pruned_at = now
        except Exception:
            logger.exception("presence sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)

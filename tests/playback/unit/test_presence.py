"""Presence: online is the last 90 seconds; only the changes are announced, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

from subgraphs.playback.devices import presence
from subgraphs.playback.devices.domain.events import PresenceChanged
from subgraphs.playback.devices.domain.model import ONLINE_WINDOW, Device, DeviceKind
from subgraphs.playback.remote.domain.events import DeviceEvent

NOW = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)
USER = uuid.uuid4()


class FakeDevices:
    """The device and command repositories in memory, as far as presence uses them."""

    def __init__(self, *devices: Device) -> None:
        self.devices = {d.id: d for d in devices}
        self.announced = dict.fromkeys(self.devices, False)
        self.prunes: list[datetime] = []

    async def devices_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Device]:
        return {i: self.devices[i] for i in ids if i in self.devices}

    async def mark_online(self, device_id: uuid.UUID, now: datetime) -> bool:
        self.devices[device_id] = self.devices[device_id].seen(now)
        was, self.announced[device_id] = self.announced[device_id], True
        return not was

    async def delete_commands_before(self, cutoff: datetime) -> int:
        self.prunes.append(cutoff)
        return 0

    async def sweep_offline(self, cutoff: datetime) -> list[Device]:
        gone = [d for d in self.devices.values()
                if self.announced[d.id] and d.last_seen_at is not None and d.last_seen_at < cutoff]
        for device in gone:
            self.announced[device.id] = False
        return gone


class FakeChannel:
    def __init__(self) -> None:
        self.published: list[DeviceEvent] = []

    async def publish(self, event: DeviceEvent) -> None:
        self.published.append(event)

    def events(self, user_id: uuid.UUID) -> AsyncIterator[DeviceEvent]:
        raise NotImplementedError


def _device() -> Device:
    return Device(uuid.uuid4(), USER, "TV", DeviceKind.TV)


async def test_online_means_a_heartbeat_in_the_last_90_seconds() -> None:
    device = _device().seen(NOW)
    assert device.is_online(NOW + ONLINE_WINDOW)
    assert not device.is_online(NOW + ONLINE_WINDOW + timedelta(milliseconds=1))
    assert not _device().is_online(NOW)  # never heard from


async def test_first_heartbeat_announces_online_and_later_ones_do_not() -> None:
    device = _device()
    repo, channel = FakeDevices(device), FakeChannel()
    seen = await presence.heartbeat(repo, channel, USER, device.id, NOW)  # type: ignore[arg-type]
    assert seen.last_seen_at == NOW
    await presence.heartbeat(repo, channel, USER, device.id,  # type: ignore[arg-type]
                             NOW + timedelta(seconds=30))
    assert channel.published == [PresenceChanged(USER, device.id, True, NOW)]


async def test_the_sweep_announces_offline_once_after_90_silent_seconds() -> None:
    quiet, chatty = _device(), _device()
    repo, channel = FakeDevices(quiet, chatty), FakeChannel()
    for device in (quiet, chatty):
        await presence.heartbeat(repo, channel, USER, device.id, NOW)  # type: ignore[arg-type]
    channel.published.clear()
    later = NOW + timedelta(seconds=60)
    await presence.heartbeat(repo, channel, USER, chatty.id, later)  # type: ignore[arg-type]

    assert await presence.sweep_once(repo, channel, NOW + ONLINE_WINDOW) == []  # type: ignore[arg-type]
    swept_at = NOW + ONLINE_WINDOW + timedelta(seconds=1)
    gone = await presence.sweep_once(repo, channel, swept_at)  # type: ignore[arg-type]
    assert [d.id for d in gone] == [quiet.id]
    assert channel.published == [PresenceChanged(USER, quiet.id, False, swept_at)]
    # Swept once: the next sweep has nothing new to say.
    assert await presence.sweep_once(repo, channel, swept_at + timedelta(seconds=5)) == []  # type: ignore[arg-type]
    # Back online: announced again.
    await presence.heartbeat(repo, channel, USER, quiet.id, swept_at)  # type: ignore[arg-type]
    assert channel.published[-1] == PresenceChanged(USER, quiet.id, True, swept_at)


async def test_the_sweeper_prunes_old_commands_hourly() -> None:
    repo, channel, stop = FakeDevices(), FakeChannel(), asyncio.Event()
    ticks = iter([NOW, NOW + timedelta(minutes=30), NOW + timedelta(minutes=61),
                  NOW + timedelta(minutes=62)])

    def clock() -> datetime:
        now = next(ticks, None)
        if now is None:
            stop.set()
            return NOW + timedelta(hours=5)
        return now

    await presence.run_sweeper(repo, repo, channel, stop, interval=0, clock=clock)  # type: ignore[arg-type]
    swept = [NOW, NOW + timedelta(minutes=61), NOW + timedelta(hours=5)]  # not 30 or 62 min
    assert repo.prunes == [at - presence.COMMAND_RETENTION for at in swept]

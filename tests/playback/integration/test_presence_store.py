"""Presence flags in the database: one announcement per change, whoever races for it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.playback.devices.adapters.repository import TortoiseDeviceRepository
from subgraphs.playback.devices.domain.model import Device, DeviceKind
from subgraphs.playback.remote.adapters.commands import TortoiseCommandRepository
from subgraphs.playback.remote.domain.commands import CommandArgs, CommandKind, RemoteCommand
from subgraphs.playback.settings import MODELS, NAME

NOW = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)


async def _scenario(database_url: str) -> None:
    await migrate(NAME, database_url)
    await open_database(database_url, MODELS)
    repo = TortoiseDeviceRepository()
    try:
        quiet, chatty = (Device(uuid.uuid4(), uuid.uuid4(), "TV", DeviceKind.TV)
                         for _ in range(2))
        for device in (quiet, chatty):
            await repo.add_device(device)
        # Concurrent first heartbeats (two replicas): exactly one announces.
        came = await asyncio.gather(*(repo.mark_online(quiet.id, NOW) for _ in range(4)))
        assert sorted(came) == [False, False, False, True]
        assert await repo.mark_online(chatty.id, NOW) is True
        assert await repo.mark_online(chatty.id, NOW + timedelta(seconds=60)) is False

        # The sweep gets "now - 90 s": devices last seen before it are silent.
        cutoff = NOW + timedelta(seconds=1)
        assert await repo.sweep_offline(NOW) == []
        # Two sweepers at once: the silent device goes offline once, the chatty one stays.
        sweeps = await asyncio.gather(*(repo.sweep_offline(cutoff) for _ in range(3)))
        assert sorted(len(gone) for gone in sweeps) == [0, 0, 1]
        assert [d.id for gone in sweeps for d in gone] == [quiet.id]
        assert await repo.sweep_offline(cutoff) == []
        assert await repo.mark_online(quiet.id, cutoff) is True  # back: announced again
    finally:
        await close_database()


def test_presence_changes_are_announced_once(database_url: str) -> None:
    asyncio.run(_scenario(database_url))


async def _pruning(database_url: str) -> None:
    await migrate(NAME, database_url)
    await open_database(database_url, MODELS)
    repo, store = TortoiseDeviceRepository(), TortoiseCommandRepository()
    try:
        tv = Device(uuid.uuid4(), uuid.uuid4(), "TV", DeviceKind.TV)
        await repo.add_device(tv)
        ages = {"old": timedelta(days=2), "edge": timedelta(days=1), "recent": timedelta(0)}
        commands = {
            name: RemoteCommand(uuid.uuid4(), tv.user_id, None, tv.id, CommandKind.PAUSE,
                                CommandArgs(), NOW - age)
            for name, age in ages.items()
        }
        for command in commands.values():
            await store.add_command(command)
        assert await store.delete_commands_before(NOW - timedelta(days=1)) == 1
        left = await store.commands_by_ids([c.id for c in commands.values()])
        assert set(left) == {commands["edge"].id, commands["recent"].id}
    finally:
        await close_database()


def test_old_commands_are_pruned(database_url: str) -> None:
    asyncio.run(_pruning(database_url))

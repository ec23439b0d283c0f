"""The 10-device limit holds when registrations for one user race (PostgreSQL included)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.errors import DomainError
from subgraphs.playback.devices import services
from subgraphs.playback.devices.adapters.repository import TortoiseDeviceRepository
from subgraphs.playback.devices.domain.model import MAX_DEVICES, Capabilities, DeviceKind
from subgraphs.playback.settings import MODELS, NAME


async def _race(database_url: str, existing: int, racing: int) -> tuple[int, list[str], int]:
    await migrate(NAME, database_url)
    await open_database(database_url, MODELS)
    repo = TortoiseDeviceRepository()
    user = uuid.uuid4()

    async def register(name: str) -> str | None:
        try:
            await services.register_device(repo, user, name, DeviceKind.WEB, Capabilities(),
                                           datetime.now(UTC))
        except DomainError as error:
            return error.code
        return None

    try:
        for index in range(existing):
            assert await register(f"Old {index}") is None
        outcomes = await asyncio.gather(*(register(f"New {n}") for n in range(racing)))
        return (sum(o is None for o in outcomes), [o for o in outcomes if o],
                await repo.count_devices(user))
    finally:
        await close_database()


def test_racing_registrations_stop_at_ten(database_url: str) -> None:
    created, refused, total = asyncio.run(_race(database_url, existing=6, racing=12))
    assert total == MAX_DEVICES
    assert created == 4 and refused == ["CONFLICT"] * 8

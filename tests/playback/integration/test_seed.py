"""The demo devices seed: two devices a demo user, stable ids, once only."""

from __future__ import annotations

import asyncio
import uuid

from mediagateway.demo.playback import seed
from mediagateway.migrate import migrate
from mediagateway.movielens import MovieLens
from subgraphs.common.db import close_database, open_database
from subgraphs.common.ids import stable_id
from subgraphs.playback.devices.adapters.repository import TortoiseDeviceRepository
from subgraphs.playback.settings import MODELS, NAME


class _NoBus:
    async def publish(self, event: object) -> None:
        raise AssertionError("the playback seed publishes nothing")


async def _seed_twice(database_url: str) -> tuple[bool, bool, dict[uuid.UUID, list[str]], int]:
    data = MovieLens()
    await open_database(database_url, MODELS)
    try:
        first = await seed(data, _NoBus())  # type: ignore[arg-type]
        second = await seed(data, _NoBus())  # type: ignore[arg-type]
        users = [data.users[0].id, data.users[-1].id]
        devices = await TortoiseDeviceRepository().devices_by_users(users)
        named = {user: sorted(str(d.id) + ":" + d.name for d in found)
                 for user, found in devices.items()}
        return first, second, named, len(data.users)
    finally:
        await close_database()


def test_seed_gives_each_demo_user_a_tv_and_a_phone_once(database_url: str) -> None:
    asyncio.run(migrate(NAME, database_url))
    first, second, devices, _ = asyncio.run(_seed_twice(database_url))
    assert (first, second) == (True, False)
    for user, found in devices.items():
        assert found == sorted([f"{stable_id('device', user, 'tv')}:Living room TV",
                                f"{stable_id('device', user, 'phone')}:Phone"])

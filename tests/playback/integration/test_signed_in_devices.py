"""A TV that signs in with the device flow becomes the user's device once, from users' event."""

from __future__ import annotations

import asyncio
import uuid

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import Event
from subgraphs.playback.devices.adapters.repository import TortoiseDeviceRepository
from subgraphs.playback.devices.domain.model import MAX_DEVICES, DeviceKind
from subgraphs.playback.facts.adapters.repository import TortoiseFactsRepository
from subgraphs.playback.facts.consumers import handlers
from subgraphs.playback.settings import MODELS, NAME


def _signed_in(user: uuid.UUID, sign_in: uuid.UUID, name: str = "Media Gateway TV app") -> Event:
    return Event("device.signed_in", {"user_id": str(user), "client_id": "demo-tv",
                                      "client_name": name, "sign_in_id": str(sign_in)},
                 id=str(sign_in))


async def _run(database_url: str) -> None:
    await migrate(NAME, database_url)
    await open_database(database_url, MODELS)
    repo = TortoiseDeviceRepository()
    on_signed_in = handlers(TortoiseFactsRepository(), None, repo)["device.signed_in"]  # type: ignore[arg-type]
    user, other = uuid.uuid4(), uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    try:
        # Delivered twice (at least once), plus a malformed event that must not block the batch.
        await on_signed_in([_signed_in(user, first), _signed_in(user, first),
                            Event("device.signed_in", {"user_id": "nope"}, id="x")])
        await on_signed_in([_signed_in(user, first), _signed_in(user, second, "  Den \n TV ")])
        devices = (await repo.devices_by_users([user]))[user]
        assert sorted(d.name for d in devices) == ["Den TV", "Media Gateway TV app"]
        assert all(d.kind is DeviceKind.TV and d.capabilities.remote_controllable
                   for d in devices)
        assert not (await repo.devices_by_users([other])).get(other)

        # At the device limit the sign-in still happened; no eleventh device is made.
        await on_signed_in([_signed_in(other, uuid.uuid4()) for _ in range(MAX_DEVICES + 2)])
        assert await repo.count_devices(other) == MAX_DEVICES
    finally:
        await close_database()


def test_signed_in_tvs_are_registered_once_each(database_url: str) -> None:
    asyncio.run(_run(database_url))

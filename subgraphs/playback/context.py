"""The playback subgraph's per-request context: the services and stores `app.py` built, and
this request's DataLoaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from subgraphs.common.context import BaseContext
from subgraphs.common.loaders import mapped_loader
from subgraphs.common.sign_in_watch import SignInWatch
from subgraphs.playback.devices.adapters.repository import DeviceRepository
from subgraphs.playback.devices.domain.model import Device
from subgraphs.playback.facts.adapters.repository import FactsRepository
from subgraphs.playback.live.hub import SyncHub
from subgraphs.playback.live.slots import SubscriptionSlots
from subgraphs.playback.remote.adapters.channel import DeviceChannel
from subgraphs.playback.remote.adapters.commands import CommandRepository
from subgraphs.playback.sessions.adapters.publisher import PlaybackFeed, PlaybackPublisher
from subgraphs.playback.sessions.adapters.repository import SessionRepository
from subgraphs.playback.sessions.domain.model import PlaybackSession
from subgraphs.playback.sync.services import SyncService

__all__ = ["CONTROL_SCOPE", "Context", "Loaders", "make_loaders"]

# What a token needs to change devices, sessions and remote control (not sync: any signed-in
# device of the user writes its own document).
CONTROL_SCOPE = "playback:control"


@dataclass(frozen=True)
class Loaders:
    """One query per batch of keys, whatever asked for them."""

    device: DataLoader[uuid.UUID, Device | None]
    devices_of_user: DataLoader[uuid.UUID, list[Device] | None]
    session: DataLoader[uuid.UUID, PlaybackSession | None]


def make_loaders(devices: DeviceRepository, sessions: SessionRepository) -> Loaders:
    return Loaders(
        device=mapped_loader(devices.devices_by_ids),
        devices_of_user=mapped_loader(devices.devices_by_users),
        session=mapped_loader(sessions.sessions_by_ids),
    )


@dataclass
class Context(BaseContext):
    loaders: Loaders
    devices: DeviceRepository
    sessions: SessionRepository
    commands: CommandRepository
    facts: FactsRepository
    publisher: PlaybackPublisher
    feed: PlaybackFeed
    # Presence, commands, acks and availability notices for the user's devices.
    channel: DeviceChannel
    sync: SyncService
    # Where `syncUpdates` listens; writes publish through `sync` after they commit.
    sync_hub: SyncHub
    # What every subscription holds while it lasts: a slot of the user's limit, a sign-in.
    subscriptions: SubscriptionSlots
    sign_ins: SignInWatch

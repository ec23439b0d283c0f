"""Per-request DataLoaders: one query per batch of keys, whatever asked for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from subgraphs.common.loaders import mapped_loader
from subgraphs.playback.adapters.repository import PlaybackRepository
from subgraphs.playback.domain.model import Device, PlaybackSession

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    device: DataLoader[uuid.UUID, Device | None]
    devices_of_user: DataLoader[uuid.UUID, list[Device] | None]
    session: DataLoader[uuid.UUID, PlaybackSession | None]


def make_loaders(repo: PlaybackRepository) -> Loaders:
    return Loaders(
        device=mapped_loader(repo.devices_by_ids),
        devices_of_user=mapped_loader(repo.devices_by_users),
        session=mapped_loader(repo.sessions_by_ids),
    )

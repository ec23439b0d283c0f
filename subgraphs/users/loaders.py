"""Per-request DataLoaders: one query per batch of keys, whatever asked for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from subgraphs.common.loaders import mapped_loader
from subgraphs.users.adapters.repository import TitleKey, UsersRepository
from subgraphs.users.domain.model import Profile, TitleViewing, User, WatchlistItem

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    user: DataLoader[uuid.UUID, User | None]
    profiles: DataLoader[uuid.UUID, list[Profile] | None]
    # Keyed by (viewer id, title id): `Title.viewerState` for a page of titles is one query each.
    watchlist_state: DataLoader[TitleKey, WatchlistItem | None]
    latest_viewing: DataLoader[TitleKey, TitleViewing | None]


def make_loaders(repo: UsersRepository) -> Loaders:
    return Loaders(
        user=mapped_loader(repo.users_by_ids),
        profiles=mapped_loader(repo.profiles_by_users),
        watchlist_state=mapped_loader(repo.watchlist_state),
        latest_viewing=mapped_loader(repo.latest_viewing),
    )

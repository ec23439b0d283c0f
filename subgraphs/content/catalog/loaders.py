"""Per-request DataLoaders: one query per batch of keys, whatever asked for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from subgraphs.common.loaders import mapped_loader
from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.catalog.domain.model import Credit, Genre, Offer, Person, Platform, Title

__all__ = ["Loaders", "make_loaders"]


@dataclass(frozen=True)
class Loaders:
    title: DataLoader[uuid.UUID, Title | None]
    genres: DataLoader[uuid.UUID, list[Genre] | None]
    credits: DataLoader[uuid.UUID, list[Credit] | None]
    person: DataLoader[uuid.UUID, Person | None]
    offers: DataLoader[tuple[uuid.UUID, str], list[Offer] | None]
    platform: DataLoader[str, Platform | None]


def make_loaders(repo: ContentRepository) -> Loaders:
    return Loaders(
        title=mapped_loader(repo.titles_by_ids),
        genres=mapped_loader(repo.genres_by_titles),
        credits=mapped_loader(repo.credits_by_titles),
        person=mapped_loader(repo.people_by_ids),
        offers=mapped_loader(repo.offers_by_titles),
        platform=mapped_loader(repo.platforms_by_slugs),
    )

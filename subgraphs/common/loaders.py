"""DataLoader helpers: batch functions shaped as `keys -> {key: value}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

__all__ = ["mapped_loader"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def mapped_loader(
    fetch_many: Callable[[Sequence[K]], Awaitable[dict[K, V]]],
) -> DataLoader[K, V | None]:
    """A per-request DataLoader over one batched fetch; missing keys load as None."""

    async def load(keys: list[K]) -> list[V | None]:
        found = await fetch_many(keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)

"""Group commit: writes that arrive while one commit runs go together in the next.

A small write (a viewing and its outbox row) costs one transaction, one outbox read, one
publish and one delete, and a process has one SQLite connection: writes queue behind each
other, so throughput is bound by round trips, not by work. Here each caller hands its item
over and waits; one drain task commits whatever is waiting as one batch, then the next. At one
writer a batch is one item and nothing waits longer than it did; under load batches grow by
themselves (no timer: no latency is added to wait for company).

The commit function answers per item: None when it was written, or the exception that item
alone raises (it decides how to keep one bad item from failing the others).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["CommitMany", "GroupCommit"]

T = TypeVar("T")
CommitMany = Callable[[Sequence[T]], Awaitable[Sequence[BaseException | None]]]


class GroupCommit(Generic[T]):
    def __init__(self, commit: CommitMany[T], max_batch: int = 256) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._commit = commit
        self.max_batch = max_batch
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        self._drain: asyncio.Task[None] | None = None
        self.batches = 0  # how many commits ran (for tests and metrics)

    async def submit(self, item: T) -> None:
        """Returns once `item` is committed; raises what its commit raised for it."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._drain is None or self._drain.done():
            self._drain = asyncio.create_task(self._run(), name="group-commit")
        # A caller that gives up (a cancelled request) leaves its write to finish: it may
        # already be in the batch being committed.
        await asyncio.shield(future)

    async def _run(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.max_batch]
            del self._waiting[: self.max_batch]
            try:
                outcomes: Sequence[BaseException | None] = await self._commit(
                    [item for item, _ in batch])
                if len(outcomes) != len(batch):
                    raise RuntimeError(f"commit answered {len(outcomes)} of {len(batch)} items")
            except Exception as error:  # the whole batch failed: each caller hears why
                outcomes = [error] * len(batch)
            self.batches += 1
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)

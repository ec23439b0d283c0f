"""Group commit: what waits while a commit runs goes in the next one, and each caller hears
its own item's outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from subgraphs.common.group_commit import GroupCommit


class Store:
    """A commit that takes a while (as a transaction does) and refuses negative items."""

    def __init__(self, fail_batches: int = 0) -> None:
        self.batches: list[list[int]] = []
        self.fail_batches = fail_batches

    async def commit(self, items: Sequence[int]) -> list[BaseException | None]:
        self.batches.append(list(items))
        await asyncio.sleep(0.01)
        if self.fail_batches:
            self.fail_batches -= 1
            raise ConnectionError("database away")
        return [ValueError(f"refused {i}") if i < 0 else None for i in items]


async def test_writes_that_arrive_together_share_commits_each_once_in_order() -> None:
    store = Store()
    group = GroupCommit(store.commit)
    await asyncio.gather(*(group.submit(i) for i in range(50)))
    assert [i for batch in store.batches for i in batch] == list(range(50))
    assert len(store.batches) < 50, "every write was committed alone"
    assert group.batches == len(store.batches)


async def test_a_lone_writer_is_committed_at_once_alone() -> None:
    store = Store()
    group = GroupCommit(store.commit)
    for i in range(3):
        await group.submit(i)
    assert store.batches == [[0], [1], [2]]


async def test_an_item_the_commit_refuses_fails_only_its_own_caller() -> None:
    store = Store()
    group = GroupCommit(store.commit)
    outcomes = await asyncio.gather(*(group.submit(i) for i in (1, -2, 3)),
                                    return_exceptions=True)
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "refused -2"


async def test_a_failed_commit_fails_its_batch_and_the_next_batch_still_runs() -> None:
    store = Store(fail_batches=1)
    group = GroupCommit(store.commit)
    first = asyncio.ensure_future(group.submit(1))
    await asyncio.sleep(0)  # the first batch is under way: these wait for the next
    rest = [asyncio.ensure_future(group.submit(i)) for i in (2, 3)]
    with pytest.raises(ConnectionError):
        await first
    await asyncio.gather(*rest)
    assert store.batches == [[1], [2, 3]]


async def test_batches_hold_at_most_max_batch() -> None:
    store = Store()
    group = GroupCommit(store.commit, max_batch=4)
    await asyncio.gather(*(group.submit(i) for i in range(10)))
    assert max(len(batch) for batch in store.batches) <= 4
    assert sorted(i for batch in store.batches for i in batch) == list(range(10))


async def test_a_caller_that_gives_up_still_has_its_write_committed() -> None:
    store = Store()
    group = GroupCommit(store.commit)
    waiting = asyncio.ensure_future(group.submit(7))
    await asyncio.sleep(0.001)
    waiting.cancel()
    await group.submit(8)
    assert [i for batch in store.batches for i in batch] == [7, 8]


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError):
        GroupCommit(Store().commit, max_batch=0)

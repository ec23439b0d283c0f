"""Serving's side of training: run the worker in a process of its own, now and then.

A separate process keeps a build (seconds of numpy) from ever holding the serving event loop
or its GIL; serving then loads the artifact like any other version.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.domain.ports import RecommendationsRepository

__all__ = ["retrain_periodically", "run_worker"]

logger = logging.getLogger("mediagateway.recommendations")
_FIRST_DELAY = 2.0


async def run_worker(if_changed: bool = True) -> bool:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "subgraphs.recommendations.train",
        *(["--if-changed"] if if_changed else []),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        _, err = await process.communicate()
    except asyncio.CancelledError:
        # Shutting down: a half-built model is worth nothing, and the pointer is untouched.
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        raise
    if process.returncode != 0:
        logger.error("recommendations training failed: %s", err.decode(errors="replace")[-2000:])
        return False
    return True


async def _sleep(stop: asyncio.Event, seconds: float) -> bool:
    """False when `stop` was set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return not stop.is_set()


async def retrain_periodically(repo: RecommendationsRepository, holder: ModelHolder,
                               every: float, stop: asyncio.Event) -> None:
    """Rebuild every `every` seconds when events arrived since the served model. Without a
    model, the first build waits only until the event backlog is absorbed (the count holds
    still between two looks), so a freshly seeded stack is personalised within seconds."""
    quiet_since: int | None = None
    while holder.model is None:
        if not await _sleep(stop, _FIRST_DELAY):
            return
        try:
            count = await repo.event_count()
        except Exception:
            logger.exception("counting recommendation events failed")
            continue
        if count and count == quiet_since:
            break
        quiet_since = count
    while not stop.is_set():
        try:
            events = await repo.event_count()
            built = holder.model.stats.get("events") if holder.model else None
            if events and events != built:
                await run_worker()
                await asyncio.to_thread(holder.refresh)
        except Exception:
            logger.exception("scheduling a recommendations rebuild failed")
        if not await _sleep(stop, every):
            return

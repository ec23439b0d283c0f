"""Authlib's server grants are synchronous: they run in a worker thread, and reach our async
stores (Tortoise, Redis) on the app's event loop through a Bridge."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["Bridge"]

T = TypeVar("T")
_TIMEOUT = 10.0


class Bridge:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __call__(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=_TIMEOUT)

"""Serve an ASGI app on a free local port from a thread, for tests of HTTP clients."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from mediagateway.redis_server import free_port

__all__ = ["serve"]


@contextmanager
def serve(app: Any, lifespan: str = "off", forwarded_allow_ips: str | None = None) -> Iterator[str]:
    """Yield the base URL (`http://127.0.0.1:PORT`) while uvicorn serves `app`.

    `lifespan="on"` runs the app's start-up (a whole subgraph); `forwarded_allow_ips="*"` lets
    tests give each client its own address with `X-Forwarded-For`, as an ingress would."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan,
                       forwarded_allow_ips=forwarded_allow_ips)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test HTTP server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

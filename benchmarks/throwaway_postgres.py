"""A PostgreSQL server of its own for one benchmark run, on free ports (`scripts/services`)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mediagateway.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """Starts a server, yields its `DATABASE_URL`, stops it."""
    with tempfile.TemporaryDirectory(prefix=prefix) as directory:
        env = {**os.environ, "MG_TEST_PG_PORT": str(free_port()),
               "MG_TEST_REDIS_PORT": str(free_port())}
        started = subprocess.run([str(ROOT / "scripts/services"), "start", directory], env=env,
                                 check=True, capture_output=True, text=True).stdout
        try:
            yield next(line.split("=", 1)[1] for line in started.splitlines()
                       if line.startswith("export DATABASE_URL="))
        finally:
            subprocess.run([str(ROOT / "scripts/services"), "stop", directory], env=env,
                           check=False, capture_output=True)

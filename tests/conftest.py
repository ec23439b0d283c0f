"""Fixtures shared by all tests: Redis, databases, in-process subgraphs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mediagateway.redis_server import free_port, start_embedded_redis


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL when CI gives one (a real Redis), else an embedded server for the session."""
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    directory = Path(tempfile.mkdtemp(prefix="mg-redis-"))
    port = free_port()
    process = start_embedded_redis(port, directory)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database for one test: PostgreSQL when DATABASE_URL says so, else SQLite."""
    from tests.support.databases import fresh_database

    with fresh_database(tmp_path, request.node.name) as url:
        yield url

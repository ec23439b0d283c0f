"""Key rotation against a real database: the rotate command publishes a key, every replica
switches to it on its own once it is due, tokens of the old key keep verifying until they
expire, and retiring removes only what no live token needs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest

from mediagateway.migrate import migrate
from mediagateway.signing_keys import run
from subgraphs.common.db import open_database
from subgraphs.users.adapters import keys as key_store
from subgraphs.users.domain.keys import PUBLISH_LEAD
from subgraphs.users.settings import MODELS
from subgraphs.users.tokens import TokenIssuer, UnknownKeyError, verify_access_token

ROOT = Path(__file__).resolve().parents[3]


async def test_a_rotated_key_takes_over_without_signing_anyone_out(database: str) -> None:
    now = datetime.now(UTC)
    old = await key_store.add_signing_key(now - timedelta(days=30))
    tokens = TokenIssuer(await key_store.ensure_signing_key())
    assert tokens.kid == old.kid
    before = tokens.issue(uuid.uuid4()).token

    # Rotated 11 minutes ago: published long enough, so the replica's watcher switches.
    new = await key_store.add_signing_key(now - PUBLISH_LEAD - timedelta(minutes=1))
    stop = asyncio.Event()
    watcher = asyncio.create_task(key_store.follow_active_key(tokens, stop, every_s=0.02))
    for _ in range(200):
        if tokens.kid == new.kid:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(watcher, 5)
    assert tokens.kid == new.kid
    after = tokens.issue(uuid.uuid4()).token

    published = await key_store.load_signing_keys()
    assert verify_access_token(before, published)["sub"]  # nobody signed out
    assert verify_access_token(after, published)["sub"]

    # Retiring too early removes nothing; once the old key's tokens expired, it goes.
    later = now + timedelta(hours=1, minutes=2)
    with mock.patch("mediagateway.signing_keys.datetime") as clock:
        clock.now.return_value = now
        assert await _reopened(run("retire", database), database) == ["nothing to retire yet"]
        clock.now.return_value = later
        assert await _reopened(run("retire", database), database) == [f"retired {old.kid}"]
    remaining = await key_store.load_signing_keys()
    assert [k.kid for k in remaining] == [new.kid]
    assert verify_access_token(after, remaining)["sub"]
    with pytest.raises(UnknownKeyError):
        verify_access_token(before, remaining)


async def _reopened(command, database: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The command opens and closes its own connection: the test's is reopened after it."""
    try:
        return await command
    finally:
        await open_database(database, MODELS)


def test_the_rotate_command_publishes_a_key_that_signs_later(database_url: str) -> None:
    asyncio.run(migrate("users", database_url))
    env = {**os.environ, "USERS_DATABASE_URL": database_url}

    def command(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mediagateway.signing_keys", name],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    assert command("list").stdout.startswith("no signing keys")
    first, second = command("rotate"), command("rotate")
    assert first.returncode == 0 and first.stdout.startswith("added "), first
    listed = command("list").stdout.splitlines()
    # Both are published at once; the older one signs until the newer has waited its turn.
    assert len(listed) == 2 and sum("(signing)" in line for line in listed) == 1
    assert listed[1].endswith("(signing)") and second.stdout.split()[1].rstrip(":") in listed[0]
    assert command("retire").stdout.strip() == "nothing to retire yet"
    assert command("bogus").returncode == 2

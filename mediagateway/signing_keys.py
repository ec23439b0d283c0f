"""Rotate the users service's token signing keys: `python -m mediagateway.signing_keys CMD`.

    list     every key, when it was made and which one signs now
    rotate   add a key: published at once, signing on every replica 10 minutes later
    retire   remove keys whose last token has expired (run it an hour or more after a rotation)

Nobody is signed out: tokens of an older key verify until they expire. Reads the users
database as the service does (`USERS_DATABASE_URL`, else `DATABASE_URL`, else SQLite).
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

from tortoise import Tortoise

from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import tortoise_config
from subgraphs.common.settings import database_url_for
from subgraphs.users.adapters.keys import add_signing_key, delete_signing_keys, load_signing_keys
from subgraphs.users.domain.keys import PUBLISH_LEAD, active_key, retirable_keys
from subgraphs.users.tokens import ACCESS_TOKEN_TTL

__all__ = ["main", "run"]

COMMANDS = ("list", "rotate", "retire")


async def run(command: str, database_url: str) -> list[str]:
    """The lines the command reports."""
    await Tortoise.init(config=tortoise_config(database_url, SUBGRAPHS["users"].models))
    try:
        now = datetime.now(UTC)
        if command == "rotate":
            key = await add_signing_key(now)
            return [f"added {key.kid}: signs from {(now + PUBLISH_LEAD).isoformat()}"]
        keys = await load_signing_keys()
        if not keys:
            return ["no signing keys (the users service makes one when it starts)"]
        if command == "retire":
            gone = retirable_keys(keys, now, timedelta(seconds=ACCESS_TOKEN_TTL))
            await delete_signing_keys(gone)
            return [f"retired {k.kid}" for k in gone] or ["nothing to retire yet"]
        current = active_key(keys, now)
        return [f"{k.kid} {k.created_at.isoformat()}{' (signing)' if k == current else ''}"
                for k in keys]
    finally:
        await Tortoise.close_connections()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    for line in asyncio.run(run(argv[0], database_url_for("users", os.environ))):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

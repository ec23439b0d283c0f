"""Where a user's id still appears in a subgraph's database: every text-like column of every
table is searched (run in a subprocess of its own, with the stack's environment)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from tortoise import Tortoise

from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import tortoise_config

__all__ = ["rows_naming"]


async def _scan(url: str, models: str, needles: list[str]) -> dict[str, int]:
    await Tortoise.init(config=tortoise_config(url, models))
    found: dict[str, int] = {}
    try:
        db = Tortoise.get_connection("default")
        if db.capabilities.dialect == "sqlite":
            _, tables = await db.execute_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'")
            columns = []
            for table in tables:
                _, info = await db.execute_query(f'PRAGMA table_info("{table["name"]}")')
                columns += [(table["name"], c["name"]) for c in info]
            like = 'SELECT COUNT(*) AS n FROM "{t}" WHERE CAST("{c}" AS TEXT) LIKE ?'
        else:
            _, rows = await db.execute_query(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public'")
            columns = [(r["table_name"], r["column_name"]) for r in rows]
            like = 'SELECT COUNT(*) AS n FROM "{t}" WHERE CAST("{c}" AS TEXT) LIKE $1'
        for table, column in columns:
            for needle in needles:
                _, result = await db.execute_query(like.format(t=table, c=column),
                                                   [f"%{needle}%"])
                if result[0]["n"]:
                    found[f"{table}.{column}"] = found.get(f"{table}.{column}", 0) + int(
                        result[0]["n"])
    finally:
        await Tortoise.close_connections()
    return found


def rows_naming(subgraph: str, env: dict[str, str], needles: list[str]) -> dict[str, int]:
    """`{table.column: rows}` of the subgraph's database containing any of `needles`."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.user_rows", subgraph, *needles],
        env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    from subgraphs.common.settings import database_url_for

    url = database_url_for(sys.argv[1], os.environ)
    print(json.dumps(asyncio.run(_scan(url, SUBGRAPHS[sys.argv[1]].models, sys.argv[2:]))))

"""Migrations apply to an empty database (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import asyncio
import importlib
import inspect

import pytest
from tortoise import Tortoise
from tortoise.models import Model

from mediagateway.migrate import migrate
from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import tortoise_config


def _model_tables(name: str) -> set[str]:
    module = importlib.import_module(SUBGRAPHS[name].models)
    return {
        cls._meta.db_table
        for cls in vars(module).values()
        if inspect.isclass(cls) and issubclass(cls, Model) and cls.__module__ == module.__name__
    }


async def _tables(name: str, database_url: str) -> set[str]:
    await Tortoise.init(config=tortoise_config(database_url, SUBGRAPHS[name].models))
    try:
        connection = Tortoise.get_connection("default")
        if connection.capabilities.dialect == "sqlite":
            _, rows = await connection.execute_query(
                "SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            _, rows = await connection.execute_query(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
        return {row["name"] for row in rows}
    finally:
        await Tortoise.close_connections()


@pytest.mark.parametrize("name", list(SUBGRAPHS))
def test_migrations_apply_on_an_empty_database(name: str, database_url: str) -> None:
    applied = asyncio.run(migrate(name, database_url))
    assert applied, "a fresh database gets every migration"
    assert asyncio.run(migrate(name, database_url)) == [], "a second run applies nothing"
    assert _model_tables(name) <= asyncio.run(_tables(name, database_url))

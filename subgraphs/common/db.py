"""Tortoise set-up for one subgraph's own database."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base import executor

__all__ = ["close_database", "forget_compiled_statements", "open_database", "tortoise_config"]


def tortoise_config(database_url: str, models_module: str) -> dict[str, Any]:
    """The config aerich and the app share; one app, `models`, per subgraph database."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": [models_module, "aerich.models"],
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def forget_compiled_statements() -> None:
    """Tortoise caches compiled INSERTs by (connection name, table) for the process: when one
    process opens another database under the same name "default" (tests run one subgraph
    after another; users and playback each have a `title_fact` table, with other columns),
    a stale entry would write the wrong columns or SQLite's `?` markers to PostgreSQL."""
    executor.EXECUTOR_CACHE.clear()


async def open_database(database_url: str, models_module: str) -> None:
    forget_compiled_statements()
    # Requests run in other tasks than the lifespan: make the context global to the process.
    await Tortoise.init(
        config=tortoise_config(database_url, models_module), _enable_global_fallback=True
    )


async def close_database() -> None:
    await Tortoise.close_connections()

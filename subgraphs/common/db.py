"""Tortoise set-up for one subgraph's own database."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise

__all__ = ["close_database", "open_database", "tortoise_config"]


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


async def open_database(database_url: str, models_module: str) -> None:
    # Requests run in other tasks than the lifespan: make the context global to the process.
    await Tortoise.init(
        config=tortoise_config(database_url, models_module), _enable_global_fallback=True
    )


async def close_database() -> None:
    await Tortoise.close_connections()

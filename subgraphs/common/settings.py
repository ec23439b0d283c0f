"""Typed settings every subgraph reads once from the environment, in its `create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["ServiceSettings", "database_url_for"]

DEFAULT_DATA_DIR = "var/data"


def database_url_for(subgraph: str, env: Mapping[str, str]) -> str:
    """The subgraph's own database URL: its own variable, else `DATABASE_URL` suffixed, else SQLite.

    One server may host all four databases, but never one database for two subgraphs:
    `postgres://host/mediagateway` becomes `postgres://host/mediagateway_content`.
    """
    own = env.get(f"{subgraph.upper()}_DATABASE_URL")
    if own:
        return own
    shared = env.get("DATABASE_URL")
    if not shared:
        data_dir = Path(env.get("MG_DATA_DIR", DEFAULT_DATA_DIR))
        return f"sqlite://{data_dir / f'{subgraph}.sqlite3'}"
    parts = urlsplit(shared)
    if parts.scheme.startswith("sqlite"):
        path = Path(shared.split("://", 1)[1])
        return f"sqlite://{path.with_name(f'{path.stem}_{subgraph}{path.suffix}')}"
    name = parts.path.strip("/") or "mediagateway"
    return urlunsplit(parts._replace(path=f"/{name}_{subgraph}"))


@dataclass(frozen=True)
class ServiceSettings:
    """Settings shared by all subgraphs.

    Attributes:
        name: the subgraph's name, also the stem of its database.
        database_url: tortoise URL of the subgraph's own database.
        redis_url: Redis for events, pub/sub and caches.
        router_secret: shared with the router; forwarded identity is trusted only with it.
        debug: show tracebacks in logs (never to clients).
    """

    name: str
    database_url: str
    redis_url: str
    router_secret: str
    debug: bool = False

    @classmethod
    def from_env(cls, name: str, env: Mapping[str, str] | None = None) -> ServiceSettings:
        env = os.environ if env is None else env
        return cls(
            name=name,
            database_url=database_url_for(name, env),
            redis_url=env.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            router_secret=env.get("MG_ROUTER_SECRET", ""),
            debug=env.get("MG_DEBUG", "") == "1",
        )

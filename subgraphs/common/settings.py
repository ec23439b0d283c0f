"""Typed settings (pydantic-settings): one frozen object per subgraph, read once from the
environment in its composition root (`create_app`, or a CLI's `main`); nothing reads the
environment later.

Names: `MG_<SUBGRAPH>_…` for one subgraph's settings; shared ones keep their standard names
(`DATABASE_URL`, `REDIS_URL`, `MG_ROUTER_SECRET`, `MG_DATA_DIR`, `WEAVIATE_URL`,
`OPENAI_API_KEY`, ...). A setting's former name still works for one release, as a deprecated
alias (`env_name(new, old)`): a warning at start-up names its replacement. Every setting is in
the one table under "Configuration" in `README.md`.

Constructed directly (`Settings(name=..., ...)`, in tests), a settings object takes its
defaults and never the environment; `from_env` reads it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

__all__ = ["DEFAULT_DATA_DIR", "EnvSettings", "LogSettings", "ProcessSettings",
           "ServiceSettings", "database_url_for", "env_name"]

DEFAULT_DATA_DIR = "var/data"
logger = logging.getLogger("mediagateway.settings")

# What `from_env` reads while it builds an object: the mapping, and the defaults derived from it
# (lower in priority than any variable).
_READING: ContextVar[tuple[Mapping[str, str], dict[str, Any]] | None] = ContextVar(
    "settings_reading", default=None)


def env_name(name: str, *deprecated: str) -> AliasChoices:
    """A setting's variable, and the former names that still work for one release."""
    return AliasChoices(name, *deprecated)


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


class _MappingSource(EnvSettingsSource):
    """The environment source, over a given mapping (the process's, or a test's)."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._given = env
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._given, self.case_sensitive, self.env_ignore_empty,
                              self.env_parse_none_str)


class EnvSettings(BaseSettings):
    """Frozen settings read from variables named by each field's `validation_alias`."""

    # An empty variable counts as unset, as `os.environ.get(...) or default` did.
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True,
                                      case_sensitive=True, env_ignore_empty=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        reading = _READING.get()
        if reading is None:
            return (init_settings,)
        env, derived = reading
        return (init_settings, _MappingSource(settings_cls, env),
                InitSettingsSource(settings_cls, derived))

    @classmethod
    def derived_defaults(cls, env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults that depend on other variables (a variable of its own still wins)."""
        return {}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **values: Any) -> Self:
        """Read once at start-up: from the process's environment, or only from `env`;
        `values` win over both."""
        env = os.environ if env is None else env
        _warn_deprecated(cls, env)
        token = _READING.set((env, cls.derived_defaults(env, values)))
        try:
            return cls(**values)
        finally:
            _READING.reset(token)

    @classmethod
    def extending(cls, base: BaseSettings, env: Mapping[str, str] | None = None) -> Self:
        """These settings with what was set on `base` (the shared ones a test or a caller
        built), the rest from the environment (or `env`)."""
        if isinstance(base, cls):
            return base
        return cls.from_env(env, **base.model_dump(include=base.model_fields_set))


def _warn_deprecated(cls: type[BaseSettings], env: Mapping[str, str]) -> None:
    for field in cls.model_fields.values():
        alias = field.validation_alias
        if not isinstance(alias, AliasChoices):
            continue
        new, *old = (str(choice) for choice in alias.choices)
        for name in old:
            if name in env and new not in env:
                logger.warning("%s is deprecated: name it %s (the old name goes in the next "
                               "release)", name, new)


class ServiceSettings(EnvSettings):
    """Settings shared by all subgraphs.

    Attributes:
        name: the subgraph's name, also the stem of its database.
        database_url: tortoise URL of the subgraph's own database (`<SUBGRAPH>_DATABASE_URL`,
            else `DATABASE_URL` suffixed with `_<subgraph>`, else SQLite in `data_dir`).
        redis_url: Redis for events, pub/sub and caches.
        router_secret: shared with the router; forwarded identity is trusted only with it.
        debug: show tracebacks in logs (never to clients).
        data_dir: where local state lives (SQLite, search index, models, mail).
    """

    name: str
    database_url: str = ""
    redis_url: str = Field("redis://127.0.0.1:6379/0", validation_alias="REDIS_URL")
    router_secret: str = Field("", validation_alias="MG_ROUTER_SECRET")
    debug: bool = Field(False, validation_alias="MG_DEBUG")
    data_dir: Path = Field(Path(DEFAULT_DATA_DIR), validation_alias="MG_DATA_DIR")

    @classmethod
    def derived_defaults(cls, env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
        name = values.get("name") or cls.model_fields["name"].default
        return {"database_url": database_url_for(name, env)}


class LogSettings(EnvSettings):
    """Our loggers' level (`MG_LOG_LEVEL`) and format (`MG_LOG_FORMAT`: `text` or `json`)."""

    level: str = Field("INFO", validation_alias="MG_LOG_LEVEL")
    log_format: str = Field("text", validation_alias="MG_LOG_FORMAT")

    @property
    def json_lines(self) -> bool:
        return self.log_format == "json"

    @field_validator("level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()  # `info` works too


class ProcessSettings(EnvSettings):
    """Of the process rather than of a subgraph.

    Attributes:
        replica: this replica's name for consumer groups (`MG_REPLICA`; else the host's name).
        check_events: `MG_CHECK_EVENTS=1` (tests) checks every event against its contract.
    """

    replica: str = Field("", validation_alias="MG_REPLICA")
    check_events: str = Field("", validation_alias="MG_CHECK_EVENTS")

    @property
    def checks_events(self) -> bool:
        return self.check_events == "1"

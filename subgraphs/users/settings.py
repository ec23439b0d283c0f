"""Users settings: the shared ones, and where account mail goes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from subgraphs.common.settings import DEFAULT_DATA_DIR, ServiceSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "users"
MODELS = "subgraphs.users.adapters.orm"


@dataclass(frozen=True)
class Settings(ServiceSettings):
    """Attributes (besides the shared ones):
        smtp_url: `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465` sends account
            mail (`MG_SMTP_URL`); empty writes it to `mail_dir` instead (local runs, tests).
        mail_from: the sender of account mail (`MG_MAIL_FROM`).
        public_url: this service's public address, for links in mail (`MG_USERS_PUBLIC_URL`).
        mail_dir: where unsent mail is written without SMTP (`MG_DATA_DIR`/mail).
    """

    smtp_url: str = ""
    mail_from: str = "Media Gateway <no-reply@mediagateway.dev>"
    public_url: str = "http://127.0.0.1:4002"
    mail_dir: str = str(Path(DEFAULT_DATA_DIR) / "mail")

    @classmethod
    def from_env(cls, name: str, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls.of(ServiceSettings.from_env(name, env), env)

    @classmethod
    def of(cls, shared: ServiceSettings, env: Mapping[str, str] | None = None) -> Settings:
        """Users' settings from the shared ones; the rest from `env` (the process's)."""
        if isinstance(shared, Settings):
            return shared
        env = os.environ if env is None else env
        base = {f.name: getattr(shared, f.name) for f in fields(ServiceSettings)}
        data_dir = Path(env.get("MG_DATA_DIR", DEFAULT_DATA_DIR))
        return cls(
            **base,
            smtp_url=env.get("MG_SMTP_URL", ""),
            mail_from=env.get("MG_MAIL_FROM", cls.mail_from),
            public_url=env.get("MG_USERS_PUBLIC_URL", cls.public_url).rstrip("/"),
            mail_dir=str(data_dir / "mail"),
        )

"""Users settings: the shared ones, and where account mail goes."""

from __future__ import annotations

from pydantic import Field, field_validator

from subgraphs.common.settings import ServiceSettings, env_name

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "users"
MODELS = "subgraphs.users.adapters.orm"


class Settings(ServiceSettings):
    """Attributes (besides the shared ones):
        smtp_url: `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465` sends account
            mail (`MG_USERS_SMTP_URL`); empty writes it to `mail_dir` instead (local runs,
            tests).
        mail_from: the sender of account mail (`MG_USERS_MAIL_FROM`).
        public_url: this service's public address, for links in mail (`MG_USERS_PUBLIC_URL`).
        viewing_batch: at most this many viewings that arrive together share one commit
            (`MG_USERS_VIEWING_BATCH`); 1 commits each alone.
    """

    name: str = NAME
    smtp_url: str = Field("", validation_alias=env_name("MG_USERS_SMTP_URL", "MG_SMTP_URL"))
    mail_from: str = Field("Media Gateway <no-reply@mediagateway.dev>",
                           validation_alias=env_name("MG_USERS_MAIL_FROM", "MG_MAIL_FROM"))
    public_url: str = Field("http://127.0.0.1:4002", validation_alias="MG_USERS_PUBLIC_URL")
    viewing_batch: int = Field(256, ge=1, le=10_000, validation_alias="MG_USERS_VIEWING_BATCH")

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def mail_dir(self) -> str:
        """Where unsent mail is written without SMTP (`MG_DATA_DIR`/mail)."""
        return str(self.data_dir / "mail")

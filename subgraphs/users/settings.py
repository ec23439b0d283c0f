"""Users settings."""

from __future__ import annotations

from subgraphs.common.settings import ServiceSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "users"
MODELS = "subgraphs.users.adapters.orm"
Settings = ServiceSettings

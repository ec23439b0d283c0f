"""Content settings."""

from __future__ import annotations

from subgraphs.common.settings import ServiceSettings

__all__ = ["NAME", "Settings"]

NAME = "content"
MODELS = "subgraphs.content.adapters.orm"
Settings = ServiceSettings

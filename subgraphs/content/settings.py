"""Content settings: the shared ones, with search's and intent's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from subgraphs.common.settings import ServiceSettings
from subgraphs.content.intent.settings import IntentSettings
from subgraphs.content.search.settings import SearchSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "content"
MODELS = "subgraphs.content.adapters.orm"


class Settings(ServiceSettings):
    """Attributes (besides the shared ones): `search` and `intent`, read from the same
    environment."""

    name: str = NAME
    search: SearchSettings = Field(default_factory=SearchSettings)
    intent: IntentSettings = Field(default_factory=IntentSettings)

    @classmethod
    def derived_defaults(cls, env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
        return {**super().derived_defaults(env, values),
                "search": SearchSettings.from_env(env), "intent": IntentSettings.from_env(env)}

"""Intent settings (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `MG_CONTENT_INTENT_*`), part of
content's settings, read once in `create_app`."""

from __future__ import annotations

from pydantic import Field

from subgraphs.common.settings import EnvSettings, env_name

__all__ = ["DEFAULT_MODEL", "IntentSettings"]

DEFAULT_MODEL = "gpt-4o-mini"


class IntentSettings(EnvSettings):
    """Attributes:
        openai_api_key: with a key, queries are parsed by the model (rules on any failure);
            without one, by the rules alone.
        openai_base_url: another endpoint speaking the chat completions API; None = OpenAI's.
        model: the chat model asked (`MG_CONTENT_INTENT_MODEL`).
        timeout_s: seconds the model may take before the rules answer instead
            (`MG_CONTENT_INTENT_TIMEOUT_S`).
    """

    openai_api_key: str | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    model: str = Field(DEFAULT_MODEL,
                       validation_alias=env_name("MG_CONTENT_INTENT_MODEL", "CONTENT_INTENT_MODEL"))
    timeout_s: float = Field(2.0, validation_alias=env_name("MG_CONTENT_INTENT_TIMEOUT_S",
                                                            "CONTENT_INTENT_TIMEOUT_S"))

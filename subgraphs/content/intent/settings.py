"""Intent settings (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `CONTENT_INTENT_*`), read once in
`create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_MODEL", "IntentSettings"]

DEFAULT_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class IntentSettings:
    """Attributes:
        openai_api_key: with a key, queries are parsed by the model (rules on any failure);
            without one, by the rules alone.
        openai_base_url: another endpoint speaking the chat completions API; None = OpenAI's.
        model: the chat model asked (`CONTENT_INTENT_MODEL`).
        timeout_s: seconds the model may take before the rules answer instead
            (`CONTENT_INTENT_TIMEOUT_S`).
    """

    openai_api_key: str | None = None
    openai_base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout_s: float = 2.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IntentSettings:
        env = os.environ if env is None else env
        return cls(
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            model=env.get("CONTENT_INTENT_MODEL", DEFAULT_MODEL),
            timeout_s=float(env.get("CONTENT_INTENT_TIMEOUT_S", "2.0")),
        )

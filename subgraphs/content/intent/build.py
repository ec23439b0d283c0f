"""Which intent parser searches use, decided once from `IntentSettings` at start-up."""

from __future__ import annotations

from subgraphs.content.intent.adapters.cache import IntentCache
from subgraphs.content.intent.adapters.llm import LlmIntentParser, openai_client
from subgraphs.content.intent.domain.contract import IntentParser, ParserFactory
from subgraphs.content.intent.domain.rules import RulesIntentParser
from subgraphs.content.intent.domain.vocabulary import Vocabulary
from subgraphs.content.intent.settings import IntentSettings

__all__ = ["intent_parsers"]


def intent_parsers(settings: IntentSettings, cache: IntentCache | None = None) -> ParserFactory:
    """GPT-4o-mini when a key is set (rules on failure), else the rules.

    The model's client is made here, once; a parser needs the catalog's vocabulary, so it is
    made by the returned factory when the search service first reads the catalog.
    """
    if not settings.openai_api_key:
        return RulesIntentParser
    client = openai_client(settings)

    def llm_parser(vocabulary: Vocabulary) -> IntentParser:
        return LlmIntentParser(
            client, vocabulary, fallback=RulesIntentParser(vocabulary), cache=cache,
            model=settings.model, timeout_s=settings.timeout_s,
        )

    return llm_parser

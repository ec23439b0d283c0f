"""Intent parsing by GPT-4o-mini with a JSON schema (structured outputs), rules as the fallback.

Used when OPENAI_API_KEY is set (`intent/build.py`). Answers are cached by normalised query; any
error, timeout or answer that does not fit the schema falls back to the rule parser, so search
never waits on the model for longer than `timeout_s`. The model may only pick genres and
platforms from the catalog's vocabulary (enums in the schema), and what it returns is checked
again here.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from subgraphs.content.catalog.domain.model import OfferType, TitleKind
from subgraphs.content.intent.adapters.cache import IntentCache, LruIntentCache
from subgraphs.content.intent.domain.contract import Intent, IntentParser
from subgraphs.content.intent.domain.rules import RulesIntentParser
from subgraphs.content.intent.domain.vocabulary import Vocabulary
from subgraphs.content.intent.domain.words import MOODS
from subgraphs.content.intent.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from subgraphs.content.intent.settings import IntentSettings

__all__ = ["LlmIntentParser", "intent_schema", "openai_client"]

logger = logging.getLogger("mediagateway.content.intent")

_REGION = re.compile(r"^[A-Z]{2}$")

_PROMPT = """You turn a film/TV search query into search slots. Fill a slot only when the query \
asks for it; otherwise use an empty list or null. `text` is what is left of the query for a \
keyword/semantic search once the slots are taken out (a title, a topic), or "".
Conventions: "after 2010" -> year_from 2011; "since 2010" -> year_from 2010; "from 1995" -> \
year_from and year_to 1995; "90s" -> 1990..1999; "early 90s" -> 1990..1994; runtimes in minutes \
("under 2 hours" -> runtime_max 120). regions are ISO 3166-1 alpha-2 codes of where the viewer \
wants to watch ("in Germany", "German Netflix" -> DE; the UK is GB). references are titles the \
query compares to ("like X", "similar to X", "if you liked X"). people are actors or directors \
named. Moods imply genres where obvious (funny -> comedy, scary -> horror)."""


def intent_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """The JSON schema the model must answer in (strict: every key present, no others)."""

    def strings(enum: list[str] | None = None) -> dict[str, Any]:
        items: dict[str, Any] = {"type": "string"}
        if enum:
            items["enum"] = enum
        return {"type": "array", "items": items}

    nullable_int = {"type": ["integer", "null"]}
    properties = {
        "text": {"type": "string"},
        "genres": strings(sorted(vocabulary.genres)),
        "excluded_genres": strings(sorted(vocabulary.genres)),
        "moods": strings(sorted(MOODS)),
        "kinds": strings([TitleKind.MOVIE.value, TitleKind.SERIES.value]),
        "year_from": nullable_int,
        "year_to": nullable_int,
        "runtime_min": nullable_int,
        "runtime_max": nullable_int,
        "platforms": strings(sorted(vocabulary.platforms)),
        "regions": strings(),
        "people": strings(),
        "offer_types": strings([offer.value for offer in OfferType]),
        "references": strings(),
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _checked(data: Mapping[str, Any], vocabulary: Vocabulary) -> Intent:
    """The model's answer as an Intent, dropping values outside the vocabulary."""
    if not isinstance(data, Mapping):
        raise ValueError("answer is not an object")
    intent = Intent.from_dict(data, parser="llm")
    offers = {offer.value for offer in OfferType}
    kinds = {TitleKind.MOVIE.value, TitleKind.SERIES.value}
    return Intent(
        text=intent.text,
        genres=tuple(g for g in intent.genres if g in vocabulary.genres),
        excluded_genres=tuple(g for g in intent.excluded_genres if g in vocabulary.genres),
        moods=tuple(m for m in intent.moods if m in MOODS),
        kinds=tuple(k for k in intent.kinds if k in kinds),
        year_from=intent.year_from,
        year_to=intent.year_to,
        runtime_min=intent.runtime_min,
        runtime_max=intent.runtime_max,
        platforms=tuple(p for p in intent.platforms if p in vocabulary.platforms),
        regions=tuple(r.upper() for r in intent.regions if _REGION.match(r.upper())),
        people=intent.people,
        offer_types=tuple(o for o in intent.offer_types if o in offers),
        references=intent.references,
        parser="llm",
    )


class LlmIntentParser:
    """Asks the model once per distinct query; falls back to `fallback` on any failure."""

    def __init__(
        self,
        client: AsyncOpenAI,
        vocabulary: Vocabulary,
        *,
        fallback: IntentParser | None = None,
        cache: IntentCache | None = None,
        model: str = DEFAULT_MODEL,
        timeout_s: float = 2.0,
    ) -> None:
        self.client = client
        self.vocabulary = vocabulary
        self.fallback = fallback or RulesIntentParser(vocabulary)
        self.cache = cache or LruIntentCache()
        self.model = model
        self.timeout_s = timeout_s
        self._schema = intent_schema(vocabulary)
        # The vocabulary is part of the key: a new platform must not be served stale answers.
        self._salt = hashlib.sha256(
            json.dumps([model, self._schema], sort_keys=True).encode()
        ).hexdigest()[:12]

    def _key(self, query: str) -> str:
        normal = " ".join(query.lower().split())
        return f"{self._salt}:{hashlib.sha256(normal.encode()).hexdigest()}"

    async def parse(self, query: str) -> Intent:
        key = self._key(query)
        cached = await self.cache.get(key)
        if cached is not None:
            return cached
        try:
            intent = await asyncio.wait_for(self._ask(query), self.timeout_s)
        except Exception as error:  # any failure of the model is answered by the rules
            logger.warning("LLM intent parsing failed (%s); using rules", type(error).__name__)
            return await self.fallback.parse(query)
        await self.cache.set(key, intent)
        return intent

    async def _ask(self, query: str) -> Intent:
        response = await self.client.chat.completions.create(
            model=self.model,
            temperature=0,
            messages=[
                {"role": "system", "content": _PROMPT},
                {"role": "user", "content": query},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "search_intent", "strict": True, "schema": self._schema},
            },
        )
        message = response.choices[0].message
        if getattr(message, "refusal", None) or not message.content:
            raise ValueError("no answer")
        return _checked(json.loads(message.content), self.vocabulary)


def openai_client(settings: IntentSettings) -> AsyncOpenAI:
    """The client for `settings` (which must hold a key); made once, at start-up."""
    from openai import AsyncOpenAI

    return AsyncOpenAI(
        api_key=settings.openai_api_key, base_url=settings.openai_base_url,
        timeout=settings.timeout_s, max_retries=0,  # a retry would not fit in the time budget
    )

"""The intent contract: the slots a query asks for, and what any parser of them offers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from subgraphs.content.intent.domain.vocabulary import Vocabulary

__all__ = ["TUPLE_SLOTS", "Intent", "IntentParser", "ParserFactory"]

TUPLE_SLOTS = ("genres", "excluded_genres", "moods", "kinds", "platforms", "regions", "people",
               "offer_types", "references")


@dataclass(frozen=True)
class Intent:
    """Slots of a query; empty slots ask for nothing. `text` is what is left for search."""

    text: str = ""
    genres: tuple[str, ...] = ()
    excluded_genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    platforms: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    offer_types: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Which parser produced it ("rules" or "llm"), reported with the results.
    parser: str = "rules"

    def as_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], parser: str | None = None) -> Intent:
        """Build from JSON-shaped data (an LLM answer, a cache entry); unknown keys are ignored."""
        values: dict[str, Any] = {}
        for key in ("year_from", "year_to", "runtime_min", "runtime_max"):
            value = data.get(key)
            values[key] = int(value) if isinstance(value, int | float) else None
        for key in TUPLE_SLOTS:
            raw = data.get(key) or ()
            values[key] = tuple(dict.fromkeys(str(item).strip() for item in raw if item))
        text = data.get("text")
        values["text"] = str(text).strip() if text else ""
        values["parser"] = parser or str(data.get("parser") or "rules")
        return cls(**values)

    @property
    def has_slots(self) -> bool:
        return any(getattr(self, key) for key in TUPLE_SLOTS) or any(
            getattr(self, key) is not None
            for key in ("year_from", "year_to", "runtime_min", "runtime_max")
        )


class IntentParser(Protocol):
    async def parse(self, query: str) -> Intent: ...


# The parser for a catalog's vocabulary, made once the catalog's genres and platforms are read
# (a search's first call); the composition root decides which kind (LLM or rules).
ParserFactory = Callable[["Vocabulary"], IntentParser]

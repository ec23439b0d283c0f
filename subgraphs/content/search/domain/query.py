"""What one search runs: the caller's filters with the query's slots, the titles the query
refers to, and the text each engine side is given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.search.domain.model import SearchFilters
from subgraphs.content.search.domain.title_lookup import TitleLookup, TitleMatch

__all__ = ["QueryPlan", "merge_intent", "plan_query", "vector_text"]


def merge_intent(filters: SearchFilters, intent: Intent) -> SearchFilters:
    """Slots the query states become filters, unless the caller's filters already say."""
    def pick(explicit: tuple[str, ...], parsed: tuple[str, ...]) -> tuple[str, ...]:
        return explicit or tuple(parsed)

    return replace(
        filters,
        all_genres=tuple(dict.fromkeys((*filters.all_genres, *intent.genres))),
        blocked_genres=tuple(dict.fromkeys((*filters.blocked_genres, *intent.excluded_genres))),
        platforms=pick(filters.platforms, intent.platforms),
        regions=pick(filters.regions, intent.regions),
        offer_types=pick(filters.offer_types, intent.offer_types),
        kinds=pick(filters.kinds, intent.kinds),
        year_from=filters.year_from if filters.year_from is not None else intent.year_from,
        year_to=filters.year_to if filters.year_to is not None else intent.year_to,
        runtime_min=filters.runtime_min if filters.runtime_min is not None
        else intent.runtime_min,
        runtime_max=filters.runtime_max if filters.runtime_max is not None
        else intent.runtime_max,
    )


def vector_text(intent: Intent, reference_names: Sequence[str]) -> str:
    """What the vector side embeds: the free text plus the words the rules turned into slots."""
    words = [intent.text, *intent.moods, *(g.replace("-", " ") for g in intent.genres),
             *reference_names, *intent.people]
    return " ".join(word for word in words if word).strip()


@dataclass(frozen=True)
class QueryPlan:
    """One search's inputs once its query is understood."""

    query: str  # as the caller typed it
    intent: Intent
    explicit: SearchFilters  # the caller's own filters
    # The caller's filters with the query's slots; the titles it refers to are left out.
    filters: SearchFilters
    # Catalog titles the query compares to ("like Alien"): the graph side starts from them.
    references: tuple[TitleMatch, ...]
    vector_text: str
    keyword_text: str

    @property
    def browsing(self) -> bool:
        """Nothing to match (only slots, or nothing): popularity ranks what passes the filters."""
        return not (self.vector_text or self.keyword_text or self.references)


def plan_query(query: str, intent: Intent, filters: SearchFilters,
               lookup: TitleLookup) -> QueryPlan:
    merged = merge_intent(filters, intent)
    references = tuple(match for match in (lookup.best(ref) for ref in intent.references)
                       if match)
    if references:
        merged = replace(merged, exclude_ids=(*merged.exclude_ids,
                                              *(match.id for match in references)))
    return QueryPlan(
        query=query, intent=intent, explicit=filters, filters=merged, references=references,
        vector_text=vector_text(intent, [match.title for match in references]),
        keyword_text=" ".join(word for word in (intent.text, *intent.people) if word),
    )

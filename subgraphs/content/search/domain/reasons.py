"""Why a title matched, in words a client can show."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.search.domain.model import ScoreParts, SearchFilters
from subgraphs.content.search.domain.title_lookup import TitleMatch

__all__ = ["Reasons"]


class Reasons:
    """Built once per search; called per title on the page with its score parts."""

    def __init__(self, intent: Intent, filters: SearchFilters, named: dict[uuid.UUID, float],
                 references: Sequence[TitleMatch]) -> None:
        self.intent = intent
        self.filters = filters
        self.named = named
        self.references = ", ".join(m.title for m in references)

    def __call__(self, title_id: uuid.UUID, parts: ScoreParts) -> tuple[str, ...]:
        out = []
        if self.named.get(title_id, 0) > 0:
            out.append("title matches the query")
        elif parts.keyword:
            out.append("words of the query in the title or description")
        if parts.vector and parts.vector >= 0.5 * (parts.total or 1):
            out.append("similar in meaning")
        if parts.graph:
            out.append(f"related to {self.references}")
        if genres := (*self.filters.all_genres, *self.filters.genres):
            out.append("genre: " + ", ".join(dict.fromkeys(genres)))
        if self.filters.year_from or self.filters.year_to:
            out.append(f"year {self.filters.year_from or ''}-{self.filters.year_to or ''}")
        if self.filters.platforms:
            out.append("on " + ", ".join(self.filters.platforms))
        if self.intent.moods:
            out.append("mood: " + ", ".join(self.intent.moods))
        if parts.popularity and parts.popularity >= 0.5 * (parts.total or 1):
            out.append("popular")
        return tuple(out)

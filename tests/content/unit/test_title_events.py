"""`title.upserted` announces the age rating search filters on and the runtime."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from subgraphs.content.adapters.search.documents import indexed_title
from subgraphs.content.domain.model import Title, TitleKind
from subgraphs.content.ingest.events import TITLE_UPSERTED, title_upserted

TITLE = Title(id=uuid.uuid4(), kind=TitleKind.MOVIE, title="Heat", release_year=1995,
              runtime_minutes=170, popularity=50.5, average_rating=7.9, vote_count=10,
              age_rating=16)


def test_payload_lists_age_rating_and_runtime_next_to_what_it_had() -> None:
    event = title_upserted(TITLE, "hash-1", ["crime", "thriller"], [])
    assert event.type == TITLE_UPSERTED
    assert event.payload == {
        "title_id": str(TITLE.id), "title": "Heat", "kind": "movie", "release_year": 1995,
        "genres": ["crime", "thriller"], "popularity": 50.5, "average_rating": 7.9,
        "vote_count": 10, "offers": [], "age_rating": 16, "runtime_minutes": 170,
    }


def test_age_rating_is_the_number_the_search_filter_compares_with() -> None:
    document = indexed_title(TITLE, [], [], [], datetime.now(UTC))
    assert document.age_rating == title_upserted(TITLE, "h", [], []).payload["age_rating"]


def test_unknown_values_are_null() -> None:
    unknown = Title(id=uuid.uuid4(), kind=TitleKind.MOVIE, title="Film 1")
    payload = title_upserted(unknown, "h", [], []).payload
    assert payload["age_rating"] is None and payload["runtime_minutes"] is None

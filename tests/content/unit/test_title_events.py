"""`title.upserted` announces the age rating search filters on, the runtime and key people."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from subgraphs.content.catalog.domain.model import CreditRole, Title, TitleKind
from subgraphs.content.ingest.events import (
    LEADING_CAST,
    TITLE_UPSERTED,
    people_payload,
    title_upserted,
)
from subgraphs.content.search.adapters.engines.documents import indexed_title

TITLE = Title(id=uuid.uuid4(), kind=TitleKind.MOVIE, title="Heat", release_year=1995,
              runtime_minutes=170, popularity=50.5, average_rating=7.9, vote_count=10,
              age_rating=16)
MANN, DE_NIRO = str(uuid.uuid4()), str(uuid.uuid4())


def test_payload_lists_age_rating_runtime_and_people_next_to_what_it_had() -> None:
    event = title_upserted(TITLE, "hash-1", ["crime", "thriller"], [],
                           [(DE_NIRO, "actor", 0), (MANN, "director", 0), (MANN, "writer", 0)])
    assert event.type == TITLE_UPSERTED
    assert event.payload == {
        "title_id": str(TITLE.id), "title": "Heat", "kind": "movie", "release_year": 1995,
        "genres": ["crime", "thriller"], "popularity": 50.5, "average_rating": 7.9,
        "vote_count": 10, "offers": [], "age_rating": 16, "runtime_minutes": 170,
        "people": [{"key": MANN, "role": "director", "order": 0},
                   {"key": MANN, "role": "writer", "order": 0},
                   {"key": DE_NIRO, "role": "actor", "order": 0}],
    }


def test_a_title_without_credits_lists_no_people() -> None:
    assert title_upserted(TITLE, "h", [], [], []).payload["people"] == []


def test_people_are_directors_writers_and_the_leading_cast() -> None:
    actors = [(f"actor-{n}", CreditRole.ACTOR, n) for n in range(12)]
    credits = [*actors,
               ("d-1", CreditRole.DIRECTOR, 0), ("d-2", CreditRole.DIRECTOR, 1),
               ("p-1", CreditRole.PRODUCER, 0),
               ("w-1", CreditRole.WRITER, 0), ("w-2", CreditRole.WRITER, 1),
               ("w-3", CreditRole.WRITER, 2)]
    people = people_payload(credits)
    assert [(p["key"], p["role"], p["order"]) for p in people] == [
        ("d-1", "director", 0), ("d-2", "director", 1),
        ("w-1", "writer", 0), ("w-2", "writer", 1), ("w-3", "writer", 2),
        *[(f"actor-{n}", "actor", n) for n in range(LEADING_CAST)],
    ]
    assert LEADING_CAST == 8
    # Roles go out as plain text (a consumer decodes JSON), never as the enum.
    assert all(type(person["role"]) is str for person in people)


def test_age_rating_is_the_number_the_search_filter_compares_with() -> None:
    document = indexed_title(TITLE, [], [], [], datetime.now(UTC))
    assert document.age_rating == title_upserted(TITLE, "h", [], [], []).payload["age_rating"]


def test_unknown_values_are_null() -> None:
    unknown = Title(id=uuid.uuid4(), kind=TitleKind.MOVIE, title="Film 1")
    payload = title_upserted(unknown, "h", [], [], []).payload
    assert payload["age_rating"] is None and payload["runtime_minutes"] is None

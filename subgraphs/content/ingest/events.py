"""The events ingestion publishes after each committed batch."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from subgraphs.common import contracts
from subgraphs.common.events import Event
from subgraphs.common.ids import stable_id
from subgraphs.content.catalog.domain.model import Title
from subgraphs.content.catalog.domain.titles import display_title

__all__ = ["AVAILABILITY_CHANGED", "LEADING_CAST", "TITLE_UPSERTED", "AvailabilityChange",
           "PersonCredit", "availability_changed", "offer_payload", "people_payload",
           "title_upserted"]

AVAILABILITY_CHANGED = contracts.AVAILABILITY_CHANGED.name
TITLE_UPSERTED = contracts.TITLE_UPSERTED.name

# (title id, platform, region, offer type, available)
AvailabilityChange = tuple[uuid.UUID, str, str, str, bool]
# One of a title's credits: (person id as stored, role, order). A title's credits come sorted by
# role, order and the person's source key, as records hold them (see `Normaliser.record`).
PersonCredit = tuple[str, str, int]

LEADING_CAST = 8  # actors `title.upserted` lists, by billing order


def availability_changed(change: AvailabilityChange, version: str) -> Event:
    """One offer appearing or going; `version` (the title's content hash) makes the id stable,
    so a batch published twice after a crash is dropped by consumers as a redelivery."""
    title_id, platform, region, offer_type, available = change
    return Event(
        type=AVAILABILITY_CHANGED,
        id=str(stable_id(AVAILABILITY_CHANGED, title_id, platform, region, offer_type,
                         available, version)),
        payload={"title_id": str(title_id), "platform": platform, "region": region,
                 "offer_type": offer_type, "available": available},
    )


def offer_payload(offer: Mapping[str, object]) -> dict[str, object]:
    """An offer row (as values) the way `title.upserted` lists it, like the content seed."""

    def text(value: object) -> object:
        return getattr(value, "value", value)

    def moment(value: object) -> str | None:
        return value.isoformat() if isinstance(value, datetime) else None

    return {
        "platform": offer["platform_id"], "region": offer["region"], "type": text(offer["type"]),
        "quality": text(offer["quality"]),
        "price": str(offer["price"]) if offer["price"] is not None else None,
        "currency": offer["currency"], "deep_link": offer["deep_link"],
        "web_url": offer["web_url"], "available_from": moment(offer["available_from"]),
        "available_until": moment(offer["available_until"]),
    }


def people_payload(credits: Iterable[PersonCredit]) -> list[dict[str, object]]:
    """A title's key people the way `title.upserted` lists them: every director, then every
    writer, then the first `LEADING_CAST` actors, each role by billing order (`credits` come
    sorted, see `PersonCredit`). `key` is the person's id as content stores it: the same
    person has the same key in every title and on every run."""
    directors: list[dict[str, object]] = []
    writers: list[dict[str, object]] = []
    actors: list[dict[str, object]] = []
    for person_id, role, order in credits:  # `role` may be a CreditRole: equal to its text
        if role == "actor":
            if len(actors) < LEADING_CAST:
                actors.append({"key": person_id, "role": "actor", "order": order})
        elif role == "director":
            directors.append({"key": person_id, "role": "director", "order": order})
        elif role == "writer":
            writers.append({"key": person_id, "role": "writer", "order": order})
    return directors + writers + actors


def title_upserted(
    title: Title, version: str, genres: Sequence[str], offers: Sequence[Mapping[str, object]],
    credits: Iterable[PersonCredit],
) -> Event:
    """`version` is the title's content hash, as for `availability_changed`.

    `age_rating` is the minimum viewer age search filters on (`max_age_rating`), null when
    unknown; consumers compare it with a profile's `max_age` on the same scale. `people` are
    the title's directors, writers and leading cast (`people_payload`), so consumers can tell
    titles that share them without reading content's tables; `[]` when it has no credits.
    """
    return Event(
        type=TITLE_UPSERTED,
        id=str(stable_id(TITLE_UPSERTED, title.id, version)),
        payload={
            "title_id": str(title.id), "title": display_title(title.title),
            "kind": title.kind.value,
            "release_year": title.release_year, "genres": list(genres),
            "popularity": title.popularity, "average_rating": title.average_rating,
            "vote_count": title.vote_count, "offers": [offer_payload(o) for o in offers],
            "age_rating": title.age_rating, "runtime_minutes": title.runtime_minutes,
            "people": people_payload(credits),
        },
    )

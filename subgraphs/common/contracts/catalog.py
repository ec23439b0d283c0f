"""Streams content publishes about the catalog: titles and their offers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from subgraphs.common.contracts.base import DecimalText, Payload, StreamContract
from subgraphs.common.vocabulary import OfferType, VideoQuality

__all__ = ["AVAILABILITY_CHANGED", "TITLE_UPSERTED", "AvailabilityChanged", "KeyPerson",
           "TitleOffer", "TitleUpserted"]


class TitleOffer(Payload):
    """One of a title's offers, as the catalog lists it."""

    platform: str = Field(description="Platform slug.")
    region: str
    type: OfferType
    quality: VideoQuality
    price: DecimalText | None = None
    currency: str | None = None
    deep_link: str
    web_url: str
    available_from: datetime | None = None
    available_until: datetime | None = None


class KeyPerson(Payload):
    """A director, writer or leading actor of the title."""

    key: str = Field(description="The person's id in content: the same in every title.")
    role: Literal["director", "writer", "actor"]
    order: int = Field(description="Billing order within the role.")


class TitleUpserted(Payload):
    """A title as it now is, with its genres, offers and key people."""

    title_id: uuid.UUID
    title: str
    # Content's `TitleKind` values (common imports no subgraph; a test holds them equal).
    kind: Literal["movie", "series", "season", "episode"]
    release_year: int | None = None
    genres: list[str] = Field(description="Genre slugs, sorted.")
    popularity: float
    average_rating: float | None = None
    vote_count: int
    offers: list[TitleOffer] = Field(description="Every offer the title has ([] when none).")
    age_rating: int | None = Field(
        None, description="Minimum viewer age in years; null when unknown.")
    runtime_minutes: int | None = None
    people: list[KeyPerson] = Field(
        description="Every director, then every writer, then the leading actors.")


class AvailabilityChanged(Payload):
    """One offer appearing (`available`) or going."""

    title_id: uuid.UUID
    platform: str
    region: str
    offer_type: OfferType
    available: bool


TITLE_UPSERTED = StreamContract(
    "title.upserted", 1, "content",
    "A title ingested or changed; its id is derived from the title's content hash, so a batch "
    "published twice repeats it.", TitleUpserted)
AVAILABILITY_CHANGED = StreamContract(
    "availability.changed", 1, "content",
    "An offer appeared or went; its id is derived from the offer and the title's content hash.",
    AvailabilityChanged)

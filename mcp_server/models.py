"""What tools answer with: pydantic models (camelCase on the wire), mapped from the graph's JSON."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "OFFER_FIELDS",
    "REGION",
    "TITLE_FIELDS",
    "TITLE_ID",
    "UUID_PATTERN",
    "Genre",
    "Model",
    "Offer",
    "Platform",
    "TitleSummary",
]

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TITLE_ID = Annotated[
    str,
    Field(
        pattern=UUID_PATTERN,
        description="A title's id (a UUID), as returned by semantic_search or get_recommendations.",
    ),
]
REGION = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 region, e.g. US, GB, DE.")
]

# Selections shared by several tools, so every tool describes a title and an offer alike.
TITLE_FIELDS = "id kind title releaseYear runtimeMinutes averageRating genres { slug name }"
OFFER_FIELDS = """
  id region type quality deepLink webUrl price { amount currency }
  platform { slug name }
"""


class Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class Genre(Model):
    slug: str
    name: str


class Platform(Model):
    slug: str
    name: str


class TitleSummary(Model):
    id: str
    kind: str
    title: str
    release_year: int | None = None
    runtime_minutes: int | None = None
    average_rating: float | None = None
    genres: list[str] = Field(default_factory=list, description="Genre slugs.")

    @classmethod
    def from_graph(cls, node: dict[str, Any]) -> TitleSummary:
        return cls(
            id=node["id"],
            kind=node["kind"],
            title=node["title"],
            release_year=node.get("releaseYear"),
            runtime_minutes=node.get("runtimeMinutes"),
            average_rating=node.get("averageRating"),
            genres=[genre["slug"] for genre in node.get("genres") or []],
        )


class Offer(Model):
    platform: Platform
    region: str
    type: str = Field(description="SUBSCRIPTION, FREE, ADS, RENT or BUY.")
    quality: str = Field(description="SD, HD, UHD or HDR.")
    price: float | None = Field(None, description="None when included (subscription, free).")
    currency: str | None = None
    deep_link: str = Field(description="Opens the title in the platform's app.")
    web_url: str = Field(description="Fallback when the app is not installed.")

    @classmethod
    def from_graph(cls, offer: dict[str, Any]) -> Offer:
        price = offer.get("price") or {}
        return cls(
            platform=Platform(**offer["platform"]),
            region=offer["region"],
            type=offer["type"],
            quality=offer["quality"],
            price=float(price["amount"]) if price.get("amount") is not None else None,
            currency=price.get("currency"),
            deep_link=offer["deepLink"],
            web_url=offer["webUrl"],
        )

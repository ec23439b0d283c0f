"""Demo catalog from MovieLens-100K, with deterministic demo availability.

Titles, genres and credits come from the data set; platforms and offers are made up (labelled
as demo data in the README) but stable: the same title gets the same offers on every run.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.models import Model
from tortoise.transactions import in_transaction
from tqdm import tqdm

from mediagateway.movielens import GENRES, MovieLens
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.ids import stable_id
from subgraphs.content.adapters.orm import (
    CreditRow,
    GenreRow,
    OfferRow,
    PersonRow,
    PlatformRow,
    TitleGenreRow,
    TitleRow,
)
from subgraphs.content.adapters.repository import TortoiseContentRepository
from subgraphs.content.domain.model import OfferType, TitleKind, VideoQuality
from subgraphs.content.search_engine import build_search
from subgraphs.content.search_settings import SearchSettings

__all__ = ["PLATFORMS", "REGIONS", "offer_payload", "seed"]

PLATFORMS = {
    "netflix": ("Netflix", "nflx://www.netflix.com/title/{key}",
                "https://www.netflix.com/title/{key}"),
    "prime_video": ("Prime Video", "aiv://aiv/detail?gti={key}",
                    "https://www.primevideo.com/detail/{key}"),
    "disney_plus": ("Disney+", "disneyplus://www.disneyplus.com/video/{key}",
                    "https://www.disneyplus.com/video/{key}"),
    "hulu": ("Hulu", "hulu://watch/{key}", "https://www.hulu.com/watch/{key}"),
    "apple_tv_plus": ("Apple TV+", "videos://tv.apple.com/movie/{key}",
                      "https://tv.apple.com/movie/{key}"),
    "max": ("Max", "max://movie/{key}", "https://play.max.com/movie/{key}"),
    "peacock": ("Peacock", "peacock://watch/{key}", "https://www.peacocktv.com/watch/{key}"),
    "paramount_plus": ("Paramount+", "pplus://movies/{key}",
                       "https://www.paramountplus.com/movies/{key}"),
    "youtube": ("YouTube", "vnd.youtube://watch?v={key}", "https://www.youtube.com/watch?v={key}"),
    "bbc_iplayer": ("BBC iPlayer", "bbciplayer://episode/{key}",
                    "https://www.bbc.co.uk/iplayer/episode/{key}"),
}
# Region -> (currency, platforms offered there).
REGIONS = {
    "US": ("USD", ("netflix", "prime_video", "disney_plus", "hulu", "apple_tv_plus", "max",
                   "peacock", "paramount_plus", "youtube")),
    "GB": ("GBP", ("netflix", "prime_video", "disney_plus", "apple_tv_plus", "youtube",
                   "bbc_iplayer", "paramount_plus")),
    "DE": ("EUR", ("netflix", "prime_video", "disney_plus", "apple_tv_plus", "youtube",
                   "paramount_plus")),
    "FR": ("EUR", ("netflix", "prime_video", "disney_plus", "apple_tv_plus", "youtube", "max")),
    "JP": ("JPY", ("netflix", "prime_video", "disney_plus", "hulu", "apple_tv_plus", "youtube")),
}
_LANGUAGES = {"US": "en", "GB": "en", "DE": "de", "FR": "fr", "JP": "ja"}
_BATCH = 1_000


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")


def _offers_for(item_id: int, title_id: uuid.UUID, year: int | None) -> list[OfferRow]:
    offers = []
    released = datetime(year or 1990, 1, 1, tzinfo=UTC)
    for region, (currency, platforms) in REGIONS.items():
        wanted = 1 + _digest(item_id, region, "count") % 3
        start = _digest(item_id, region, "start") % len(platforms)
        chosen = [platforms[(start + step * 2) % len(platforms)] for step in range(wanted)]
        for index, slug in enumerate(dict.fromkeys(chosen)):
            roll = _digest(item_id, region, slug) % 10
            offer_type = (
                OfferType.FREE if slug in {"youtube", "bbc_iplayer"} and roll < 5
                else OfferType.ADS if slug == "peacock" and roll < 3
                else OfferType.RENT if slug in {"apple_tv_plus", "youtube", "prime_video"}
                and roll >= 6
                else OfferType.SUBSCRIPTION
            )
            price = None
            if offer_type is OfferType.RENT:
                base = Decimal("2.99") + Decimal(roll % 3)
                price = base * (100 if currency == "JPY" else 1)
            quality = [VideoQuality.HD, VideoQuality.UHD, VideoQuality.HDR, VideoQuality.SD][
                (roll + index) % 4
            ]
            key = f"ml{item_id}"
            template = PLATFORMS[slug]
            until = None if roll % 4 else datetime.now(UTC).replace(microsecond=0) + timedelta(
                days=30 + roll * 7
            )
            offers.append(
                OfferRow(
                    id=stable_id("offer", item_id, region, slug, offer_type.value),
                    title_id=title_id,
                    platform_id=slug,
                    region=region,
                    type=offer_type,
                    price=price,
                    currency=currency if price is not None else None,
                    quality=quality,
                    audio_languages=sorted({"en", _LANGUAGES[region]}),
                    subtitle_languages=sorted({"en", _LANGUAGES[region]}),
                    available_from=released,
                    available_until=until,
                    deep_link=template[1].format(key=key),
                    web_url=template[2].format(key=key),
                )
            )
    return offers


def offer_payload(offer: OfferRow) -> dict[str, object]:
    """An offer as `title.upserted` lists it, so playback can pick one without our tables."""
    return {
        "platform": offer.platform_id,  # type: ignore[attr-defined]
        "region": offer.region,
        "type": offer.type.value,
        "quality": offer.quality.value,
        "price": str(offer.price) if offer.price is not None else None,
        "currency": offer.currency,
        "deep_link": offer.deep_link,
        "web_url": offer.web_url,
        "available_from": offer.available_from.isoformat() if offer.available_from else None,
        "available_until": offer.available_until.isoformat() if offer.available_until else None,
    }


async def _bulk(rows: list[Model], label: str) -> None:
    if not rows:
        return
    model = type(rows[0])
    for start in tqdm(range(0, len(rows), _BATCH), desc=f"content: {label}", unit="batch"):
        await model.bulk_create(rows[start : start + _BATCH])


async def seed(data: MovieLens, bus: RedisEventBus) -> bool:
    """Load the catalog once; returns False when titles already exist."""
    if await TitleRow.exists():
        return False
    votes: Counter[int] = Counter()
    rating_sums: defaultdict[int, float] = defaultdict(float)
    for rating in data.ratings:
        votes[rating.item_id] += 1
        rating_sums[rating.item_id] += rating.rating
    most = max(votes.values(), default=1)

    titles, links, offers = [], [], []
    offers_of: defaultdict[uuid.UUID, list[dict[str, object]]] = defaultdict(list)
    for item in data.items:
        count = votes[item.item_id]
        titles.append(
            TitleRow(
                id=item.id,
                source_key=item.source_key,
                kind=TitleKind.MOVIE,
                title=item.title,
                original_title=item.title,
                release_year=item.year,
                popularity=round(100 * count / most, 3),
                average_rating=round(rating_sums[item.item_id] / count, 3) if count else None,
                vote_count=count,
            )
        )
        links += [TitleGenreRow(title_id=item.id, genre_id=slug) for slug in item.genres]
        title_offers = _offers_for(item.item_id, item.id, item.year)
        offers += title_offers
        offers_of[item.id] = [offer_payload(offer) for offer in title_offers]

    people = {credit.person_key for credit in data.credits}
    item_ids = {item.item_id: item.id for item in data.items}
    async with in_transaction():
        await GenreRow.bulk_create(
            [GenreRow(slug=slug, name=label.replace("'s", "")) for label, slug in GENRES.items()]
        )
        await PlatformRow.bulk_create(
            [PlatformRow(slug=slug, name=name, deep_link_template=deep, web_url_template=web)
             for slug, (name, deep, web) in PLATFORMS.items()]
        )
        await _bulk(titles, "titles")
        await _bulk(links, "genres")
        await _bulk(
            [PersonRow(id=stable_id("person", key), source_key=key, name=key.split(":", 1)[1])
             for key in sorted(people)],
            "people",
        )
        await _bulk(
            [CreditRow(title_id=item_ids[c.item_id], person_id=stable_id("person", c.person_key),
                       role=c.role, order=c.order)
             for c in data.credits if c.item_id in item_ids],
            "credits",
        )
        await _bulk(offers, "offers")
    await bus.publish_many(
        [
            Event(
                type="title.upserted",
                id=str(stable_id("title.upserted", item.source_key)),
                payload={
                    "title_id": str(item.id), "title": item.title, "kind": "movie",
                    "release_year": item.year, "genres": list(item.genres),
                    "popularity": row.popularity, "average_rating": row.average_rating,
                    "vote_count": row.vote_count, "offers": offers_of[item.id],
                },
            )
            for item, row in zip(data.items, titles, strict=True)
        ]
    )
    await index_catalog()
    return True


async def index_catalog(search_settings: SearchSettings | None = None) -> int:
    """Embed and index every title (cached embeddings make reruns take seconds)."""
    search = build_search(TortoiseContentRepository(), search_settings)
    try:
        return await search.indexer.index_all(progress=True)
    finally:
        await search.close()

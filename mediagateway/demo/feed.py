"""The MovieLens-100K demo catalog as a feed, with deterministic demo availability.

Titles, genres and credits come from the data set; platforms and offers are made up but stable
(labelled as demo data in the README): the same title gets the same offers on every run. Offer
end dates count from `today`, so a rerun on the same day changes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from mediagateway.movielens import MovieLens
from subgraphs.content.ingest.records import FeedItem

__all__ = ["DEMO_REGIONS", "MovieLensFeed", "demo_offers"]

# Region -> (currency, platforms offered there).
DEMO_REGIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
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
_QUALITIES = ("hd", "uhd", "hdr", "sd")


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")


def demo_offers(item_id: int, year: int | None, today: date) -> list[dict[str, object]]:
    """One to three offers per region, the same on every run of the same day."""
    offers: list[dict[str, object]] = []
    released = datetime(year or 1990, 1, 1, tzinfo=UTC)
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
    for region, (currency, platforms) in DEMO_REGIONS.items():
        wanted = 1 + _digest(item_id, region, "count") % 3
        start = _digest(item_id, region, "start") % len(platforms)
        chosen = [platforms[(start + step * 2) % len(platforms)] for step in range(wanted)]
        for index, slug in enumerate(dict.fromkeys(chosen)):
            roll = _digest(item_id, region, slug) % 10
            offer_type = (
                "free" if slug in {"youtube", "bbc_iplayer"} and roll < 5
                else "ads" if slug == "peacock" and roll < 3
                else "rent" if slug in {"apple_tv_plus", "youtube", "prime_video"} and roll >= 6
                else "subscription"
            )
            price = None
            if offer_type == "rent":
                price = (2.99 + roll % 3) * (100 if currency == "JPY" else 1)
            until = None if roll % 4 else midnight + timedelta(days=30 + roll * 7)
            languages = sorted({"en", _LANGUAGES[region]})
            offers.append({
                "platform": slug, "region": region, "type": offer_type,
                "quality": _QUALITIES[(roll + index) % 4],
                "price": f"{price:.2f}" if price is not None else None,
                "currency": currency if price is not None else None,
                "available_from": released.isoformat(),
                "available_until": until.isoformat() if until else None,
                "audio_languages": languages, "subtitle_languages": languages,
            })
    return offers


class MovieLensFeed:
    name = "movielens"

    def __init__(self, data: MovieLens | None = None, today: date | None = None) -> None:
        self.data = data or MovieLens()
        self.today = today or datetime.now(UTC).date()

    def count(self) -> int:
        return len(self.data.items)

    def _credits(self) -> Mapping[int, Sequence[dict[str, object]]]:
        credits: dict[int, list[dict[str, object]]] = defaultdict(list)
        for credit in self.data.credits:
            credits[credit.item_id].append({
                "person_id": credit.person_key, "name": credit.person_key.split(":", 1)[1],
                "role": credit.role, "order": credit.order,
            })
        return credits

    async def items(self) -> AsyncIterator[FeedItem]:
        votes: Counter[int] = Counter()
        sums: defaultdict[int, float] = defaultdict(float)
        for rating in self.data.ratings:
            votes[rating.item_id] += 1
            sums[rating.item_id] += rating.rating
        most = max(votes.values(), default=1)
        credits = self._credits()
        for item in self.data.items:
            count = votes[item.item_id]
            yield FeedItem(f"movielens:{item.item_id}", data={
                "source_id": str(item.item_id),
                "title": item.title,
                "original_title": item.title,
                "kind": "movie",
                "release_year": item.year,
                "genres": list(item.genres),
                "popularity": round(100 * count / most, 3),
                "average_rating": round(sums[item.item_id] / count, 3) if count else None,
                "vote_count": count,
                "credits": list(credits.get(item.item_id, ())),
                "offers": demo_offers(item.item_id, item.year, self.today),
            })

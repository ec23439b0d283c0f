"""The MovieLens-100K demo catalog as a feed, with deterministic demo availability.

Titles, genres and credits come from the data set; platforms and offers are made up but stable
(labelled as demo data in the README): the same title gets the same offers on every run. Offer
end dates count from `today`, so a rerun on the same day changes nothing.

So that the availability lists have something to show on a fresh start, the windows are made
up too: about one offer in ten leaves within 30 days, one in twenty arrived within the last 14
days, and some rentals got cheaper on one of the last 13 days (`price_drops`: the seed writes
them as two ingestions, the earlier price first, so history records real changes).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from mediagateway.movielens import MovieLens
from subgraphs.content.ingest.records import FeedItem

__all__ = ["DEMO_REGIONS", "MovieLensFeed", "demo_offers", "price_drop_day"]

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
# Days ago a title's rentals got cheaper (one of these per title that has a drop).
_DROP_DAYS = (1, 2, 4, 6, 9, 13)


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big")


def _drops(item_id: int, region: str, slug: str) -> bool:
    """Whether this rental got cheaper lately (about one in three)."""
    return _digest(item_id, region, slug, "drop") % 3 == 0


def price_drop_day(item_id: int) -> int:
    """How many days ago the title's rentals that got cheaper did (`_drops`)."""
    return _DROP_DAYS[_digest(item_id, "drop-day") % len(_DROP_DAYS)]


def demo_offers(item_id: int, year: int | None, today: date,
                before_drops: bool = False) -> list[dict[str, object]]:
    """One to three offers per region, the same on every run of the same day. `before_drops`:
    the rentals that got cheaper lately at their earlier price."""
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
            unit = 100 if currency == "JPY" else 1
            if offer_type == "rent":
                price = (2.99 + roll % 3) * unit
                if before_drops and _drops(item_id, region, slug):
                    price += unit
            until = None if roll % 4 else midnight + timedelta(days=30 + roll * 7)
            if roll == 0:  # leaving soon: within 3 to 27 days
                until = midnight + timedelta(days=3 + _digest(item_id, region, slug, "until") % 25)
            since = released
            if _digest(item_id, region, slug, "arrived") % 20 == 0:  # new in the last 14 days
                since = midnight - timedelta(days=_digest(item_id, region, slug, "day") % 14)
            languages = sorted({"en", _LANGUAGES[region]})
            offers.append({
                "platform": slug, "region": region, "type": offer_type,
                "quality": _QUALITIES[(roll + index) % 4],
                "price": f"{price:.2f}" if price is not None else None,
                "currency": currency if price is not None else None,
                "available_from": since.isoformat(),
                "available_until": until.isoformat() if until else None,
                "audio_languages": languages, "subtitle_languages": languages,
            })
    return offers


class MovieLensFeed:
    name = "movielens"

    def __init__(self, data: MovieLens | None = None, today: date | None = None, *,
                 before_drops: bool = False, only: frozenset[int] | None = None) -> None:
        """`before_drops`: rentals that got cheaper lately at their earlier price; `only`: just
        these MovieLens item ids."""
        self.data = data or MovieLens()
        self.today = today or datetime.now(UTC).date()
        self.before_drops = before_drops
        self.only = only

    def count(self) -> int:
        return len(self.data.items) if self.only is None else len(self.only)

    def price_drops(self) -> dict[int, frozenset[int]]:
        """Item ids whose rentals got cheaper, by how many days ago."""
        days: dict[int, set[int]] = defaultdict(set)
        for item in self.data.items:
            cheaper = demo_offers(item.item_id, item.year, self.today, before_drops=True)
            if cheaper != demo_offers(item.item_id, item.year, self.today):
                days[price_drop_day(item.item_id)].add(item.item_id)
        return {day: frozenset(ids) for day, ids in sorted(days.items())}

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
            if self.only is not None and item.item_id not in self.only:
                continue
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
                "offers": demo_offers(item.item_id, item.year, self.today, self.before_drops),
            })

"""Demo catalog from MovieLens-100K, with deterministic demo availability.

Titles, genres and credits come from the data set; platforms and offers are made up (labelled
as demo data in the README) but stable: the same title gets the same offers on every run. The
catalog goes in through the ingestion pipeline like any feed (events, title graph included),
then the search index is built.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from mediagateway.demo.feed import DEMO_REGIONS, MovieLensFeed
from mediagateway.movielens import GENRES, MovieLens
from subgraphs.common.events import RedisEventBus
from subgraphs.content.adapters.orm import TitleRow
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.ingest import IngestPipeline, ensure_vocabulary
from subgraphs.content.reindex import index_catalog

__all__ = ["GENRE_NAMES", "PLATFORMS", "REGIONS", "seed"]

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
REGIONS = DEMO_REGIONS
# The catalog's genre vocabulary: slug -> display name.
GENRE_NAMES = {slug: label.replace("'s", "") for label, slug in GENRES.items()}


async def seed(data: MovieLens, bus: RedisEventBus) -> bool:
    """Load the catalog once; returns False when titles already exist (their index is then
    built only if it is empty: a new embedding provider or precision has a new index)."""
    if await TitleRow.exists():
        await index_catalog(only_if_empty=True)
        return False
    await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
    # Rentals that got cheaper lately go in at their earlier price first...
    feed = MovieLensFeed(data, before_drops=True)
    report = await IngestPipeline(bus, graph=TitleGraph()).run(
        feed.name, feed.items(), total=feed.count()
    )
    if report.skipped:
        raise RuntimeError(f"demo catalog records were skipped: {report.skipped[:5]}")
    await _drop_prices(feed, bus)
    await index_catalog()
    return True


async def _drop_prices(feed: MovieLensFeed, bus: RedisEventBus) -> None:
    """...then at today's, once for each day they got cheaper on, with the offer history dated
    that morning: the catalog ends as `MovieLensFeed` describes it today, with real history."""
    midnight = datetime.combine(feed.today, time(), tzinfo=UTC)
    for days_ago, item_ids in feed.price_drops().items():
        moment = midnight - timedelta(days=days_ago) + timedelta(hours=9)
        drops = MovieLensFeed(feed.data, feed.today, only=item_ids)
        report = await IngestPipeline(bus, clock=lambda moment=moment: moment).run(
            drops.name, drops.items(), total=drops.count(), progress=False)
        if report.skipped:
            raise RuntimeError(f"demo price drops were skipped: {report.skipped[:5]}")


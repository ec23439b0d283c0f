"""Demo data for the recommendations subgraph: demo playback sessions for the platform charts.

This subgraph owns only projections of other subgraphs' facts: titles arrive as
`title.upserted` from content, ratings as `viewing.recorded` and signup genres as
`user.registered` from users. Their seeds publish those events, and the app's consumers absorb
them, exactly as at run time; writing the same rows here would bypass that path and count every
rating twice once the events arrive.

What no other seed has is playback: MovieLens says what people rated, not where they watched
it. So that the platform charts are not empty on a fresh stack, each seeded rating also counts
as a demo playback session (labelled demo data in the README) on the rating's date, on a
platform that offers the title in the viewer's region: one of their subscriptions when one
does, else the region's first offer. Nothing else reads these sessions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tqdm import tqdm

from mediagateway.demo.feed import demo_offers
from mediagateway.demo.users import home_region, subscribed_platforms
from mediagateway.movielens import MovieLens
from subgraphs.common.events import EventBus
from subgraphs.common.ids import stable_id
from subgraphs.recommendations.charts.adapters.orm import ChartPlayRow
from subgraphs.recommendations.charts.adapters.repository import TortoiseChartsRepository
from subgraphs.recommendations.charts.domain.model import Play

__all__ = ["demo_platform", "seed"]

_BATCH = 1_000
_WATCHABLE = {"subscription", "free", "ads"}


def demo_platform(offers: list[dict[str, object]], region: str, subscribed: tuple[str, ...]
                  ) -> str | None:
    """The platform a demo viewer in `region` watched a title with these `offers` on."""
    offers = [o for o in offers if o["region"] == region]
    mine = [o for o in offers if o["platform"] in subscribed and o["type"] in _WATCHABLE]
    chosen = (mine or offers)[:1]
    return str(chosen[0]["platform"]) if chosen else None


async def seed(data: MovieLens, bus: EventBus) -> bool:
    """Write the demo sessions once; False when they are already there."""
    del bus  # the sessions are this subgraph's own demo facts: no event carries them
    if await ChartPlayRow.exists():
        return False
    today = datetime.now(UTC).date()  # only the offers' end dates depend on it
    items = {item.item_id: item for item in data.items}
    offers = {item.item_id: demo_offers(item.item_id, item.year, today) for item in data.items}
    users = {user.user_id: user for user in data.users}
    plays = []
    for rating in data.ratings:
        item, user = items.get(rating.item_id), users.get(rating.user_id)
        if item is None or user is None:
            continue
        platform = demo_platform(offers[item.item_id], home_region(user.user_id),
                                 subscribed_platforms(user.user_id))
        if platform is not None:
            plays.append(Play(stable_id("demo-play", user.user_id, item.item_id), user.id,
                              item.id, platform, rating.rated_at.timestamp()))
    repo = TortoiseChartsRepository()
    for start in tqdm(range(0, len(plays), _BATCH), desc="recommendations: demo plays",
                      unit="batch"):
        await repo.record_plays(plays[start:start + _BATCH])
    return bool(plays)

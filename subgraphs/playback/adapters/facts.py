"""Facts playback keeps from other subgraphs' events: offers, viewers, watchlists.

Playback never reads another subgraph's tables; these rows are its own projection of what
content and users announced, applied idempotently because events may be redelivered.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.playback.adapters.orm import OfferFactRow, ViewerFactRow, WatchlistFactRow
from subgraphs.playback.domain.offers import OfferFact, ViewerFacts

__all__ = [
    "FactsRepository",
    "TortoiseFactsRepository",
    "WatchlistChange",
    "offer_from_row",
]

_BATCH = 500
_OFFER_FIELDS = ["quality", "price", "currency", "deep_link", "web_url", "available"]


@dataclass(frozen=True)
class WatchlistChange:
    user_id: uuid.UUID
    title_id: uuid.UUID
    present: bool
    at: datetime


class FactsRepository(Protocol):
    async def offers_for_title(self, title_id: uuid.UUID) -> list[OfferFact]: ...

    async def replace_offers(self, title_id: uuid.UUID, offers: Sequence[OfferFact]) -> None: ...

    async def set_availability(self, offer: OfferFact) -> bool:
        """Upsert one offer's availability; True when it was not available before."""
        ...

    async def viewers_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ViewerFacts]: ...

    async def save_viewers(self, viewers: Sequence[ViewerFacts]) -> None: ...

    async def apply_watchlist(self, changes: Sequence[WatchlistChange]) -> None: ...

    async def watchers(self, title_id: uuid.UUID) -> list[uuid.UUID]: ...


def offer_from_row(row: OfferFactRow) -> OfferFact:
    return OfferFact(
        title_id=row.title_id, platform=row.platform, region=row.region, type=row.type,
        quality=row.quality, price=row.price, currency=row.currency,
        deep_link=row.deep_link, web_url=row.web_url, available=row.available,
    )


def _offer_row(offer: OfferFact) -> OfferFactRow:
    return OfferFactRow(
        title_id=offer.title_id, platform=offer.platform, region=offer.region, type=offer.type,
        quality=offer.quality, price=offer.price, currency=offer.currency,
        deep_link=offer.deep_link, web_url=offer.web_url, available=offer.available,
    )


class TortoiseFactsRepository:
    async def offers_for_title(self, title_id: uuid.UUID) -> list[OfferFact]:
        return [offer_from_row(row) for row in await OfferFactRow.filter(title_id=title_id)]

    async def replace_offers(self, title_id: uuid.UUID, offers: Sequence[OfferFact]) -> None:
        """The catalog's full list for a title: offers it no longer lists become unavailable."""
        await OfferFactRow.filter(title_id=title_id).update(available=False)
        if offers:
            await OfferFactRow.bulk_create(
                [_offer_row(offer) for offer in offers], batch_size=_BATCH,
                on_conflict=["title_id", "platform", "region", "type"],
                update_fields=_OFFER_FIELDS,
            )

    async def set_availability(self, offer: OfferFact) -> bool:
        key = {"title_id": offer.title_id, "platform": offer.platform, "region": offer.region,
               "type": offer.type}
        row = await OfferFactRow.get_or_none(**key)
        if row is None:
            await OfferFactRow.bulk_create(
                [_offer_row(offer)], on_conflict=list(key), update_fields=["available"]
            )
            return offer.available
        was = row.available
        changes = {"available": offer.available}
        # Details the event carries win over what an older `title.upserted` said.
        for name in ("quality", "price", "currency", "deep_link", "web_url"):
            if getattr(offer, name) is not None:
                changes[name] = getattr(offer, name)
        await OfferFactRow.filter(id=row.id).update(**changes)
        return offer.available and not was

    async def viewers_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ViewerFacts]:
        rows = await ViewerFactRow.filter(user_id__in=list(set(ids)))
        return {
            row.user_id: ViewerFacts(row.user_id, row.home_region,
                                     frozenset(row.subscribed_platforms))
            for row in rows
        }

    async def save_viewers(self, viewers: Sequence[ViewerFacts]) -> None:
        latest = {viewer.user_id: viewer for viewer in viewers}  # the last event of a batch wins
        if latest:
            await ViewerFactRow.bulk_create(
                [ViewerFactRow(user_id=v.user_id, home_region=v.home_region,
                               subscribed_platforms=sorted(v.subscribed_platforms))
                 for v in latest.values()],
                batch_size=_BATCH, on_conflict=["user_id"],
                update_fields=["home_region", "subscribed_platforms"],
            )

    async def apply_watchlist(self, changes: Sequence[WatchlistChange]) -> None:
        """Last change by time wins per (user, title): an old redelivery cannot undo a new one."""
        latest: dict[tuple[uuid.UUID, uuid.UUID], WatchlistChange] = {}
        for change in changes:
            key = (change.user_id, change.title_id)
            if key not in latest or latest[key].at <= change.at:
                latest[key] = change
        for (user_id, title_id), change in latest.items():
            row = await WatchlistFactRow.get_or_none(user_id=user_id, title_id=title_id)
            if row is None:
                await WatchlistFactRow.bulk_create(
                    [WatchlistFactRow(user_id=user_id, title_id=title_id,
                                      present=change.present, changed_at=change.at)],
                    on_conflict=["user_id", "title_id"],
                    update_fields=["present", "changed_at"],
                )
            elif row.changed_at <= change.at:
                await WatchlistFactRow.filter(id=row.id).update(
                    present=change.present, changed_at=change.at
                )

    async def watchers(self, title_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await WatchlistFactRow.filter(title_id=title_id, present=True).values_list(
            "user_id", flat=True
        )
        return list(rows)  # type: ignore[arg-type]

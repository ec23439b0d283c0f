"""Facts playback keeps from other subgraphs' events: titles, offers, viewers, watchlists,
profiles' parental limits.

Playback never reads another subgraph's tables; these rows are its own projection of what
content and users announced, applied idempotently because events may be redelivered.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from subgraphs.common.parental import ProfileLimits
from subgraphs.common.profile_limits import TortoiseProfileLimits
from subgraphs.playback.adapters.orm import (
    NoticeRow,
    OfferFactRow,
    ProfileLimitRow,
    TitleFactRow,
    ViewerFactRow,
    WatchlistFactRow,
)
from subgraphs.playback.facts.domain.model import (
    OfferFact,
    TitleFact,
    ViewerFacts,
    WatchlistChange,
)

__all__ = [
    "NOTICE_RETENTION",
    "FactsRepository",
    "TortoiseFactsRepository",
    "offer_from_row",
]

_BATCH = 500
# How long a sent notice is remembered: longer than any redelivery takes.
NOTICE_RETENTION = timedelta(days=7)
_OFFER_KEY = ("title_id", "platform", "region", "type")
_OFFER_FIELDS = ["quality", "price", "currency", "deep_link", "web_url", "available"]


class FactsRepository(Protocol):
    async def save_titles(self, titles: Sequence[TitleFact], at: datetime) -> None:
        """Catalog titles `title.upserted` announced (idempotent)."""
        ...

    async def known_titles(self, title_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]: ...

    async def title(self, title_id: uuid.UUID) -> TitleFact | None: ...

    async def profile_limits(self, profile_id: uuid.UUID) -> ProfileLimits | None: ...

    async def remember_profiles(self, profiles: Sequence[ProfileLimits]) -> int: ...

    async def offers_for_title(self, title_id: uuid.UUID) -> list[OfferFact]: ...

    async def replace_offers(
        self, titles: Sequence[tuple[uuid.UUID, Sequence[OfferFact]]]
    ) -> None:
        """Each title's full offer list: offers it no longer lists become unavailable."""
        ...

    async def set_availability(self, offers: Sequence[OfferFact]) -> None:
        """Upsert offers' availability (and any details they carry); the last one per key wins."""
        ...

    async def viewers_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ViewerFacts]: ...

    async def save_viewers(self, viewers: Sequence[ViewerFacts]) -> None: ...

    async def apply_watchlist(self, changes: Sequence[WatchlistChange]) -> None: ...

    async def watchers(
        self, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]: ...

    async def claim_notices(
        self, notices: Sequence[tuple[str, uuid.UUID]], at: datetime
    ) -> set[tuple[str, uuid.UUID]]:
        """Record notices (event id, user) as sent at `at`; returns those not sent before."""
        ...


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
    def __init__(self) -> None:
        self._profiles = TortoiseProfileLimits(ProfileLimitRow)

    async def save_titles(self, titles: Sequence[TitleFact], at: datetime) -> None:
        latest = {t.title_id: t for t in titles}  # a batch's last announcement is current
        if latest:
            await TitleFactRow.bulk_create(
                [TitleFactRow(title_id=t.title_id, announced_at=at, age_rating=t.age_rating,
                              genres=list(t.genres)) for t in latest.values()],
                batch_size=_BATCH, on_conflict=["title_id"],
                update_fields=["announced_at", "age_rating", "genres"],
            )

    async def title(self, title_id: uuid.UUID) -> TitleFact | None:
        row = await TitleFactRow.get_or_none(title_id=title_id)
        if row is None:
            return None
        return TitleFact(row.title_id, row.age_rating, tuple(row.genres or ()))

    async def profile_limits(self, profile_id: uuid.UUID) -> ProfileLimits | None:
        return await self._profiles.get(profile_id)

    async def remember_profiles(self, profiles: Sequence[ProfileLimits]) -> int:
        return await self._profiles.remember(profiles)

    async def known_titles(self, title_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        wanted = list(set(title_ids))
        if not wanted:
            return set()
        found = await TitleFactRow.filter(title_id__in=wanted).values_list("title_id", flat=True)
        return {uuid.UUID(str(t)) for t in found}

    async def offers_for_title(self, title_id: uuid.UUID) -> list[OfferFact]:
        return [offer_from_row(row) for row in await OfferFactRow.filter(title_id=title_id)]

    async def replace_offers(
        self, titles: Sequence[tuple[uuid.UUID, Sequence[OfferFact]]]
    ) -> None:
        if not titles:
            return
        await OfferFactRow.filter(title_id__in=[t for t, _ in titles]).update(available=False)
        rows = [_offer_row(offer) for _, offers in titles for offer in offers]
        if rows:
            await OfferFactRow.bulk_create(
                rows, batch_size=_BATCH, on_conflict=list(_OFFER_KEY),
                update_fields=_OFFER_FIELDS,
            )

    async def set_availability(self, offers: Sequence[OfferFact]) -> None:
        latest = {tuple(getattr(o, k) for k in _OFFER_KEY): o for o in offers}
        detailed = [o for o in latest.values() if o.deep_link is not None]
        bare = [o for o in latest.values() if o.deep_link is None]
        # Details an event carries win; an event without them only flips availability.
        for group, fields in ((detailed, _OFFER_FIELDS), (bare, ["available"])):
            if group:
                await OfferFactRow.bulk_create(
                    [_offer_row(o) for o in group], batch_size=_BATCH,
                    on_conflict=list(_OFFER_KEY), update_fields=fields,
                )

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

    async def watchers(
        self, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        rows = await WatchlistFactRow.filter(
            title_id__in=list(set(title_ids)), present=True
        ).values_list("title_id", "user_id")
        found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for title_id, user_id in rows:
            found[title_id].append(user_id)
        return found

    async def claim_notices(
        self, notices: Sequence[tuple[str, uuid.UUID]], at: datetime
    ) -> set[tuple[str, uuid.UUID]]:
        if not notices:
            return set()
        sent = {(event_id, uuid.UUID(str(user_id))) for event_id, user_id in
                await NoticeRow.filter(event_id__in={event for event, _ in notices})
                .values_list("event_id", "user_id")}
        new = [notice for notice in dict.fromkeys(notices) if notice not in sent]
        # Two consumers claiming the same notice at once may both send it; redeliveries (the
        # usual repeat) come one after the other and are caught.
        await NoticeRow.bulk_create(
            [NoticeRow(event_id=event, user_id=user, sent_at=at) for event, user in new],
            ignore_conflicts=True)
        await NoticeRow.filter(sent_at__lt=at - NOTICE_RETENTION).delete()
        return set(new)

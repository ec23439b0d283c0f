"""Trending: when each viewer last watched each title (beside the co-watching pairs the title
graph keeps), and the decayed score per title computed from them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from tortoise.transactions import in_transaction

from subgraphs.content.adapters.orm import TitleRow, TitleViewerRow
from subgraphs.content.catalog.domain.ordering import trend_score

__all__ = ["TortoiseTrending"]

_CHUNK = 500


class TortoiseTrending:
    async def record(
        self, viewings: Iterable[tuple[uuid.UUID, str, datetime]]
    ) -> set[uuid.UUID]:
        """Move each (title, viewer) pair's time to its latest viewing; the pairs exist (the
        title graph stored them first). Idempotent: a redelivery finds the time already set.
        Returns the titles whose score changed."""
        latest: dict[tuple[uuid.UUID, str], datetime] = {}
        for title_id, key, at in viewings:
            if (title_id, key) not in latest or latest[(title_id, key)] < at:
                latest[(title_id, key)] = at
        if not latest:
            return set()
        rows = await TitleViewerRow.filter(
            title_id__in=list({t for t, _ in latest}), viewer_key__in=list({k for _, k in latest})
        )
        stale = []
        for row in rows:
            at = latest.get((_uuid(row.title_id), row.viewer_key))  # type: ignore[attr-defined]
            if at is not None and (row.viewed_at is None or row.viewed_at < at):
                row.viewed_at = at
                stale.append(row)
        for start in range(0, len(stale), _CHUNK):
            await TitleViewerRow.bulk_update(stale[start:start + _CHUNK], fields=["viewed_at"])
        return {_uuid(row.title_id) for row in stale}  # type: ignore[attr-defined]

    async def refresh(self, title_ids: Iterable[uuid.UUID]) -> int:
        """Recompute the titles' scores from their viewers' latest viewings."""
        ids = list(set(title_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            times: dict[uuid.UUID, list[datetime]] = defaultdict(list)
            for title_id, at in await TitleViewerRow.filter(
                title_id__in=chunk, viewed_at__isnull=False
            ).values_list("title_id", "viewed_at"):
                times[_uuid(title_id)].append(at)
            async with in_transaction():
                for title_id in chunk:
                    await TitleRow.filter(id=title_id).update(
                        trending=trend_score(times.get(title_id, ())))
        return len(ids)


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))

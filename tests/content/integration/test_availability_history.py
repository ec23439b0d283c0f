"""Ingestion writes the offer history with the offers, and the availability lists read it, on a
real database (SQLite, or PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from subgraphs.common.errors import BadInput
from subgraphs.common.parental import ProfileLimits
from subgraphs.content.adapters.orm import OfferHistoryRow
from subgraphs.content.availability import services
from subgraphs.content.availability.adapters.repository import TortoiseAvailabilityRepository
from subgraphs.content.availability.domain.model import ChangeKind
from subgraphs.content.ingest import IngestPipeline
from subgraphs.content.ingest.feeds import JsonLinesFeed

LONG_AGO = "2020-01-01T00:00:00Z"


def _record(source_id: str, genres: list[str], offers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"source_id": source_id, "title": source_id.title(), "release_year": 2001,
            "genres": genres, "offers": offers}


async def _ingest(path: Path, records: list[dict[str, Any]], now: datetime | None = None) -> None:
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    feed = JsonLinesFeed(path, name="test")
    report = await IngestPipeline(clock=(lambda: now) if now else None).run(
        feed.name, feed.items(), progress=False)
    assert not report.skipped, report.skipped


async def test_history_records_each_change_and_the_lists_read_it(
        catalog: None, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    leaves = (now + timedelta(days=5)).isoformat()
    old = _record("old", ["drama"], [
        {"platform": "netflix", "region": "US", "type": "rent", "price": "4.99",
         "currency": "USD", "available_from": LONG_AGO, "available_until": leaves},
        {"platform": "hulu", "region": "US", "type": "subscription",
         "available_from": LONG_AGO}])
    cartoon = _record("cartoon", ["animation"], [
        {"platform": "netflix", "region": "US", "type": "subscription"}])
    await _ingest(tmp_path / "1.jsonl", [old, cartoon])
    # Later: the rental got cheaper, hulu dropped the film, and it arrived on max.
    old["offers"][0]["price"] = "3.99"
    old["offers"][1] = {"platform": "max", "region": "US", "type": "subscription"}
    yesterday = now - timedelta(days=1)
    await _ingest(tmp_path / "2.jsonl", [old, cartoon], now=yesterday)

    kinds = sorted((row.platform_id, row.kind) for row in await OfferHistoryRow.all())  # type: ignore[attr-defined]
    assert kinds == [("hulu", "appeared"), ("hulu", "left"), ("max", "appeared"),
                     ("netflix", "appeared"), ("netflix", "appeared"),
                     ("netflix", "price_dropped")]

    now = datetime.now(UTC)  # after the first run's changes, dated when it saw them
    repo = TortoiseAvailabilityRepository()
    args: dict[str, Any] = {"platforms": (), "limits": None, "now": now, "offset": 0,
                            "limit": 20}
    arrivals, total = await services.changes(ChangeKind.APPEARED, repo, region="us",
                                             since=None, **args)
    # Newest first; the rental that started in 2020 is no new arrival, hulu's offer has left.
    assert total == 2
    assert [(a.platform, a.offer.type.value) for a in arrivals] == [
        ("netflix", "subscription"), ("max", "subscription")]
    assert arrivals[1].at == yesterday
    drops, total = await services.changes(ChangeKind.PRICE_DROPPED, repo, region="US",
                                          since=None, **args)
    assert total == 1 and drops[0].old_price == Decimal("4.99")
    assert drops[0].offer.price == Decimal("3.99") and drops[0].at == yesterday
    leaving, total = await services.leaving_soon(repo, region="US", within_days=7, **args)
    assert total == 1 and leaving[0].platform == "netflix"
    assert (await services.leaving_soon(repo, region="US", within_days=3, **args))[1] == 0

    only_max = {**args, "platforms": ("max",)}
    assert (await services.changes(ChangeKind.APPEARED, repo, region="US", since=None,
                                   **only_max))[1] == 1
    kid = ProfileLimits(profile_id=uuid.uuid4(), user_id=uuid.uuid4(), is_kid=True, max_age=7)
    kids = {**args, "limits": kid}
    found, total = await services.changes(ChangeKind.APPEARED, repo, region="US", since=None,
                                          **kids)
    assert total == 1 and found[0].offer.platform_slug == "netflix"  # the cartoon only
    with pytest.raises(BadInput):
        await services.changes(ChangeKind.APPEARED, repo, region="ZZ", since=None, **args)

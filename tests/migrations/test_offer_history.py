"""Migration 5 (content's offer history) on a catalog that already has offers: each offer whose
start is known is backfilled as having appeared then; one without a known start is not."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from tortoise import Tortoise

from mediagateway.migrate import MIGRATIONS, migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import OfferHistoryRow, OfferRow, PlatformRow, TitleRow

STARTED = datetime(2024, 5, 1, 12, tzinfo=UTC)


async def test_existing_offers_are_backfilled_as_appeared_when_their_start_is_known(
        database_url: str) -> None:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        title = await TitleRow.create(id=uuid.uuid4(), source_key="test:1", kind="movie",
                                      title="Backfilled")
        await PlatformRow.create(slug="netflix", name="Netflix", deep_link_template="x{key}",
                                 web_url_template="y{key}")
        known = await OfferRow.create(
            id=uuid.uuid4(), title=title, platform_id="netflix", region="US", type="rent",
            quality="hd", price=Decimal("3.99"), currency="USD", available_from=STARTED,
            deep_link="x", web_url="y")
        await OfferRow.create(id=uuid.uuid4(), title=title, platform_id="netflix", region="GB",
                              type="subscription", quality="hd", deep_link="x", web_url="y")
        # The catalog as it stood before migration 5: no history.
        connection = Tortoise.get_connection("default")
        await connection.execute_script('DELETE FROM "offer_history";')
        spec = importlib.util.spec_from_file_location(
            "offer_history_migration", MIGRATIONS / "content" / "models" / "5_offer_history.py")
        assert spec is not None and spec.loader is not None
        step = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(step)
        await connection.execute_script(step.DOWN)
        await connection.execute_script(await step.upgrade(connection))
        rows = await OfferHistoryRow.all()
        assert [(row.offer_id, row.region, row.kind, row.at, row.new_price, row.currency)
                for row in rows] == [(known.id, "US", "appeared", STARTED, Decimal("3.99"),
                                      "USD")]
    finally:
        await close_database()

"""content: the history of offer changes (appeared, left, price dropped or changed) that the
availability lists read (`subgraphs/content/availability/`); ingestion writes a row in the same
transaction as the offer change it records.

Offers already in the catalog are backfilled as "appeared" at their `available_from`, where
the feed gave one: that is when they became available, so new-arrival lists stay true. Offers
without a known start get no row: dating them at the migration would make the whole catalog a
"new arrival" on that day. Price history before the migration is unknown and not invented."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_BACKFILL = """
INSERT INTO "offer_history" ("offer_id", "title_id", "platform_id", "region", "offer_type", "quality",
    "kind", "old_price", "new_price", "currency", "at")
SELECT "id", "title_id", "platform_id", "region", "type", "quality", 'appeared', NULL, "price",
    "currency", "available_from"
FROM "offer" WHERE "available_from" IS NOT NULL;"""

_INDEXES = """
CREATE INDEX IF NOT EXISTS "idx_offer_histo_region_5c2e1a" ON "offer_history"
    ("region", "kind", "at");
CREATE INDEX IF NOT EXISTS "idx_offer_histo_title_i_8d4f3b" ON "offer_history"
    ("title_id", "platform_id", "region", "offer_type");
CREATE INDEX IF NOT EXISTS "idx_offer_region_until_3e7a9c" ON "offer"
    ("region", "available_until");"""

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "offer_history" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "offer_id" CHAR(36) NOT NULL,
    "region" VARCHAR(2) NOT NULL,
    "offer_type" VARCHAR(12) NOT NULL,
    "quality" VARCHAR(3) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "old_price" VARCHAR(40),
    "new_price" VARCHAR(40),
    "currency" VARCHAR(3),
    "at" TIMESTAMP NOT NULL,
    "platform_id" VARCHAR(40) NOT NULL REFERENCES "platform" ("slug") ON DELETE CASCADE,
    "title_id" CHAR(36) NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE
);""" + _INDEXES + _BACKFILL,
    "postgres": """
CREATE TABLE IF NOT EXISTS "offer_history" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "offer_id" UUID NOT NULL,
    "region" VARCHAR(2) NOT NULL,
    "offer_type" VARCHAR(12) NOT NULL,
    "quality" VARCHAR(3) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "old_price" DECIMAL(8,2),
    "new_price" DECIMAL(8,2),
    "currency" VARCHAR(3),
    "at" TIMESTAMPTZ NOT NULL,
    "platform_id" VARCHAR(40) NOT NULL REFERENCES "platform" ("slug") ON DELETE CASCADE,
    "title_id" UUID NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE
);""" + _INDEXES + _BACKFILL,
}

DOWN = """
DROP INDEX IF EXISTS "idx_offer_region_until_3e7a9c";
DROP TABLE IF EXISTS "offer_history";"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN

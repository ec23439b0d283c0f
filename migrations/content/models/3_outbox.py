"""content: the transactional outbox (subgraphs/common/outbox.py): ingestion's
`title.upserted` and `availability.changed` commit with the rows they report."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "outbox" (
    "seq" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "event_id" VARCHAR(64) NOT NULL,
    "type" VARCHAR(200) NOT NULL,
    "occurred_at" VARCHAR(64) NOT NULL,
    "payload" TEXT NOT NULL
);""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "outbox" (
    "seq" BIGSERIAL NOT NULL PRIMARY KEY,
    "event_id" VARCHAR(64) NOT NULL,
    "type" VARCHAR(200) NOT NULL,
    "occurred_at" VARCHAR(64) NOT NULL,
    "payload" TEXT NOT NULL
);""",
}

DOWN = {
    "sqlite": 'DROP TABLE IF EXISTS "outbox";',
    "postgres": 'DROP TABLE IF EXISTS "outbox";',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

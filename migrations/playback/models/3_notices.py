"""playback: the `watchlistAvailability` notices sent, one per event and user (redeliveries of
`availability.changed` must not notify twice)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "availability_notice" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "event_id" VARCHAR(64) NOT NULL,
    "user_id" CHAR(36) NOT NULL,
    "sent_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_availabilit_event_i_0b1c5e" UNIQUE ("event_id", "user_id")
);
CREATE INDEX IF NOT EXISTS "idx_notice_sent_at" ON "availability_notice" ("sent_at");""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "availability_notice" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "event_id" VARCHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "sent_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_availabilit_event_i_0b1c5e" UNIQUE ("event_id", "user_id")
);
CREATE INDEX IF NOT EXISTS "idx_notice_sent_at" ON "availability_notice" ("sent_at");""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    # The same statement on both databases.
    return 'DROP TABLE IF EXISTS "availability_notice";'

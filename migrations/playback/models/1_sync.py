"""playback: each user's sync document, as accepted updates and a compacted snapshot."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "sync_update" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" CHAR(36) NOT NULL,
    "update" BLOB,
    "clock" JSON NOT NULL,
    "touched" JSON NOT NULL,
    "device_id" VARCHAR(64),
    "created_at" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_sync_update_user_id_7c1f2a" ON "sync_update" ("user_id", "id");
CREATE TABLE IF NOT EXISTS "sync_snapshot" (
    "user_id" CHAR(36) NOT NULL PRIMARY KEY,
    "state" BLOB NOT NULL,
    "through_id" BIGINT NOT NULL DEFAULT 0,
    "since_snapshot" INT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP NOT NULL
);""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "sync_update" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "update" BYTEA,
    "clock" JSONB NOT NULL,
    "touched" JSONB NOT NULL,
    "device_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_sync_update_user_id_7c1f2a" ON "sync_update" ("user_id", "id");
CREATE TABLE IF NOT EXISTS "sync_snapshot" (
    "user_id" UUID NOT NULL PRIMARY KEY,
    "state" BYTEA NOT NULL,
    "through_id" BIGINT NOT NULL DEFAULT 0,
    "since_snapshot" INT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ NOT NULL
);""",
}

DOWN = {
    "sqlite": 'DROP TABLE IF EXISTS "sync_update"; DROP TABLE IF EXISTS "sync_snapshot";',
    "postgres": 'DROP TABLE IF EXISTS "sync_update"; DROP TABLE IF EXISTS "sync_snapshot";',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

"""playback: presence, chosen offers, resume points, remote commands, and the facts playback
projects from other subgraphs' events (offers, viewers' regions and platforms, watchlists)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
ALTER TABLE "device" ADD COLUMN "announced_online" INT NOT NULL DEFAULT 0;
ALTER TABLE "playback_session" ADD COLUMN "platform" VARCHAR(40);
ALTER TABLE "playback_session" ADD COLUMN "offer_type" VARCHAR(12);
ALTER TABLE "playback_session" ADD COLUMN "quality" VARCHAR(3);
ALTER TABLE "playback_session" ADD COLUMN "price" VARCHAR(40);
ALTER TABLE "playback_session" ADD COLUMN "currency" VARCHAR(3);
ALTER TABLE "playback_session" ADD COLUMN "deep_link" VARCHAR(500);
ALTER TABLE "playback_session" ADD COLUMN "web_url" VARCHAR(500);
CREATE TABLE IF NOT EXISTS "offer_fact" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title_id" CHAR(36) NOT NULL,
    "platform" VARCHAR(40) NOT NULL,
    "region" VARCHAR(2) NOT NULL,
    "type" VARCHAR(12) NOT NULL,
    "quality" VARCHAR(3),
    "price" VARCHAR(40),
    "currency" VARCHAR(3),
    "deep_link" VARCHAR(500),
    "web_url" VARCHAR(500),
    "available" INT NOT NULL,
    CONSTRAINT "uid_offer_fact_title_i_24cc88" UNIQUE ("title_id", "platform", "region", "type")
);
CREATE TABLE IF NOT EXISTS "remote_command" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "user_id" CHAR(36) NOT NULL,
    "sender_id" CHAR(36),
    "kind" VARCHAR(10) NOT NULL,
    "args" JSON NOT NULL,
    "issued_at" TIMESTAMP NOT NULL,
    "acknowledged_at" TIMESTAMP,
    "target_id" CHAR(36) NOT NULL REFERENCES "device" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_remote_comm_user_id_6e2983" ON "remote_command" ("user_id", "issued_at");
CREATE TABLE IF NOT EXISTS "resume_point" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" CHAR(36) NOT NULL,
    "title_id" CHAR(36) NOT NULL,
    "session_id" CHAR(36) NOT NULL,
    "position_seconds" INT NOT NULL,
    "duration_seconds" INT NOT NULL,
    "unfinished" INT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_resume_poin_user_id_7cd2b8" UNIQUE ("user_id", "title_id")
);
CREATE INDEX IF NOT EXISTS "idx_resume_poin_user_id_unfin" ON "resume_point" ("user_id", "unfinished", "updated_at");
CREATE TABLE IF NOT EXISTS "viewer_fact" (
    "user_id" CHAR(36) NOT NULL PRIMARY KEY,
    "home_region" VARCHAR(2) NOT NULL,
    "subscribed_platforms" JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS "watchlist_fact" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" CHAR(36) NOT NULL,
    "title_id" CHAR(36) NOT NULL,
    "present" INT NOT NULL,
    "changed_at" TIMESTAMP NOT NULL,
    CONSTRAINT "uid_watchlist_f_user_id_4f4919" UNIQUE ("user_id", "title_id")
);
CREATE INDEX IF NOT EXISTS "idx_watchlist_f_title_i_17aa00" ON "watchlist_fact" ("title_id");""",
    "postgres": """
ALTER TABLE "device" ADD COLUMN IF NOT EXISTS "announced_online" BOOL NOT NULL DEFAULT FALSE;
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "platform" VARCHAR(40);
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "offer_type" VARCHAR(12);
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "quality" VARCHAR(3);
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "price" DECIMAL(10,2);
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "currency" VARCHAR(3);
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "deep_link" VARCHAR(500);
ALTER TABLE "playback_session" ADD COLUMN IF NOT EXISTS "web_url" VARCHAR(500);
CREATE TABLE IF NOT EXISTS "offer_fact" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title_id" UUID NOT NULL,
    "platform" VARCHAR(40) NOT NULL,
    "region" VARCHAR(2) NOT NULL,
    "type" VARCHAR(12) NOT NULL,
    "quality" VARCHAR(3),
    "price" DECIMAL(10,2),
    "currency" VARCHAR(3),
    "deep_link" VARCHAR(500),
    "web_url" VARCHAR(500),
    "available" BOOL NOT NULL,
    CONSTRAINT "uid_offer_fact_title_i_24cc88" UNIQUE ("title_id", "platform", "region", "type")
);
CREATE TABLE IF NOT EXISTS "remote_command" (
    "id" UUID NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "sender_id" UUID,
    "kind" VARCHAR(10) NOT NULL,
    "args" JSONB NOT NULL,
    "issued_at" TIMESTAMPTZ NOT NULL,
    "acknowledged_at" TIMESTAMPTZ,
    "target_id" UUID NOT NULL REFERENCES "device" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_remote_comm_user_id_6e2983" ON "remote_command" ("user_id", "issued_at");
CREATE TABLE IF NOT EXISTS "resume_point" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "title_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "position_seconds" INT NOT NULL,
    "duration_seconds" INT NOT NULL,
    "unfinished" BOOL NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_resume_poin_user_id_7cd2b8" UNIQUE ("user_id", "title_id")
);
CREATE INDEX IF NOT EXISTS "idx_resume_poin_user_id_unfin" ON "resume_point" ("user_id", "unfinished", "updated_at");
CREATE TABLE IF NOT EXISTS "viewer_fact" (
    "user_id" UUID NOT NULL PRIMARY KEY,
    "home_region" VARCHAR(2) NOT NULL,
    "subscribed_platforms" JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS "watchlist_fact" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "title_id" UUID NOT NULL,
    "present" BOOL NOT NULL,
    "changed_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "uid_watchlist_f_user_id_4f4919" UNIQUE ("user_id", "title_id")
);
CREATE INDEX IF NOT EXISTS "idx_watchlist_f_title_i_17aa00" ON "watchlist_fact" ("title_id");""",
}

DOWN = {
    "sqlite": """
DROP TABLE IF EXISTS "watchlist_fact";
DROP TABLE IF EXISTS "viewer_fact";
DROP TABLE IF EXISTS "resume_point";
DROP TABLE IF EXISTS "remote_command";
DROP TABLE IF EXISTS "offer_fact";
ALTER TABLE "playback_session" DROP COLUMN "web_url";
ALTER TABLE "playback_session" DROP COLUMN "deep_link";
ALTER TABLE "playback_session" DROP COLUMN "currency";
ALTER TABLE "playback_session" DROP COLUMN "price";
ALTER TABLE "playback_session" DROP COLUMN "quality";
ALTER TABLE "playback_session" DROP COLUMN "offer_type";
ALTER TABLE "playback_session" DROP COLUMN "platform";
ALTER TABLE "device" DROP COLUMN "announced_online";""",
    "postgres": """
DROP TABLE IF EXISTS "watchlist_fact";
DROP TABLE IF EXISTS "viewer_fact";
DROP TABLE IF EXISTS "resume_point";
DROP TABLE IF EXISTS "remote_command";
DROP TABLE IF EXISTS "offer_fact";
ALTER TABLE "playback_session" DROP COLUMN IF EXISTS "web_url", DROP COLUMN IF EXISTS "deep_link",
    DROP COLUMN IF EXISTS "currency", DROP COLUMN IF EXISTS "price",
    DROP COLUMN IF EXISTS "quality", DROP COLUMN IF EXISTS "offer_type",
    DROP COLUMN IF EXISTS "platform";
ALTER TABLE "device" DROP COLUMN IF EXISTS "announced_online";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

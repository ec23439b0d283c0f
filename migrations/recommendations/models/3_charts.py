"""recommendations: streaming charts (playback sessions counted once, daily ranks)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "chart_play" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "session_id" CHAR(36) NOT NULL UNIQUE,
    "user_id" CHAR(36) NOT NULL,
    "title_id" CHAR(36) NOT NULL,
    "platform" VARCHAR(40) NOT NULL,
    "started_at" TIMESTAMP NOT NULL
) /* A playback session started on a platform's offer (`playback.updated`), once. */;
CREATE INDEX IF NOT EXISTS "idx_chart_play_user_id_5d1c2a" ON "chart_play" ("user_id");
CREATE TABLE IF NOT EXISTS "chart_rank" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "day" DATE NOT NULL,
    "region" VARCHAR(2) NOT NULL,
    "platform" VARCHAR(40) NOT NULL,
    "title_id" CHAR(36) NOT NULL,
    "rank" SMALLINT NOT NULL,
    CONSTRAINT "uid_chart_rank_day_7a3e41" UNIQUE ("day", "region", "platform", "title_id")
) /* A title's rank in one chart as published on one day (the top 100 of each). */;
CREATE INDEX IF NOT EXISTS "idx_chart_rank_region_8b2f90" ON "chart_rank" ("region", "platform", "title_id");""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "chart_play" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "session_id" UUID NOT NULL UNIQUE,
    "user_id" UUID NOT NULL,
    "title_id" UUID NOT NULL,
    "platform" VARCHAR(40) NOT NULL,
    "started_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_chart_play_user_id_5d1c2a" ON "chart_play" ("user_id");
COMMENT ON TABLE "chart_play" IS 'A playback session started on a platform''s offer (`playback.updated`), once.';
CREATE TABLE IF NOT EXISTS "chart_rank" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "day" DATE NOT NULL,
    "region" VARCHAR(2) NOT NULL,
    "platform" VARCHAR(40) NOT NULL,
    "title_id" UUID NOT NULL,
    "rank" SMALLINT NOT NULL,
    CONSTRAINT "uid_chart_rank_day_7a3e41" UNIQUE ("day", "region", "platform", "title_id")
);
CREATE INDEX IF NOT EXISTS "idx_chart_rank_region_8b2f90" ON "chart_rank" ("region", "platform", "title_id");
COMMENT ON TABLE "chart_rank" IS 'A title''s rank in one chart as published on one day (the top 100 of each).';""",
}

DOWN = {
    "sqlite": """DROP TABLE IF EXISTS "chart_rank"; DROP TABLE IF EXISTS "chart_play";""",
    "postgres": """DROP TABLE IF EXISTS "chart_rank"; DROP TABLE IF EXISTS "chart_play";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

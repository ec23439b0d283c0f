"""recommendations: SONA's state (feedback, per-user adapters, profile limits) and title facts."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
ALTER TABLE "title_signal" ADD COLUMN "name" VARCHAR(300) NOT NULL DEFAULT '';
ALTER TABLE "title_signal" ADD COLUMN "age_rating" INT;
ALTER TABLE "title_signal" ADD COLUMN "runtime_minutes" INT;
ALTER TABLE "title_signal" ADD COLUMN "people" JSON NOT NULL DEFAULT '[]';
ALTER TABLE "title_signal" ADD COLUMN "offers" JSON NOT NULL DEFAULT '{}';
ALTER TABLE "interaction" ADD COLUMN "progress" REAL;
ALTER TABLE "user_taste" ADD COLUMN "home_region" VARCHAR(2);
ALTER TABLE "user_taste" ADD COLUMN "subscribed_platforms" JSON NOT NULL DEFAULT '[]';
CREATE TABLE IF NOT EXISTS "feedback" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "user_id" CHAR(36) NOT NULL,
    "title_id" CHAR(36) NOT NULL,
    "signal" VARCHAR(16) NOT NULL,
    "occurred_at" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_feedback_user_id_6a1f2e" ON "feedback" ("user_id", "occurred_at");
CREATE TABLE IF NOT EXISTS "user_state" (
    "user_id" CHAR(36) NOT NULL PRIMARY KEY,
    "model_version" VARCHAR(32) NOT NULL,
    "vector" JSON NOT NULL,
    "applied_until" REAL NOT NULL,
    "events" INT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "profile_limit" (
    "profile_id" CHAR(36) NOT NULL PRIMARY KEY,
    "user_id" CHAR(36) NOT NULL,
    "is_kid" INT NOT NULL,
    "max_age" INT,
    "blocked_genres" JSON NOT NULL,
    "deleted" INT NOT NULL,
    "changed_at" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_profile_lim_user_id_3b7c1d" ON "profile_limit" ("user_id");""",
    "postgres": """
ALTER TABLE "title_signal" ADD COLUMN IF NOT EXISTS "name" VARCHAR(300) NOT NULL DEFAULT '';
ALTER TABLE "title_signal" ADD COLUMN IF NOT EXISTS "age_rating" INT;
ALTER TABLE "title_signal" ADD COLUMN IF NOT EXISTS "runtime_minutes" INT;
ALTER TABLE "title_signal" ADD COLUMN IF NOT EXISTS "people" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "title_signal" ADD COLUMN IF NOT EXISTS "offers" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "interaction" ADD COLUMN IF NOT EXISTS "progress" DOUBLE PRECISION;
ALTER TABLE "user_taste" ADD COLUMN IF NOT EXISTS "home_region" VARCHAR(2);
ALTER TABLE "user_taste" ADD COLUMN IF NOT EXISTS "subscribed_platforms" JSONB NOT NULL DEFAULT '[]';
CREATE TABLE IF NOT EXISTS "feedback" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "title_id" UUID NOT NULL,
    "signal" VARCHAR(16) NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_feedback_user_id_6a1f2e" ON "feedback" ("user_id", "occurred_at");
CREATE TABLE IF NOT EXISTS "user_state" (
    "user_id" UUID NOT NULL PRIMARY KEY,
    "model_version" VARCHAR(32) NOT NULL,
    "vector" JSONB NOT NULL,
    "applied_until" DOUBLE PRECISION NOT NULL,
    "events" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "profile_limit" (
    "profile_id" UUID NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "is_kid" BOOL NOT NULL,
    "max_age" INT,
    "blocked_genres" JSONB NOT NULL,
    "deleted" BOOL NOT NULL,
    "changed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_profile_lim_user_id_3b7c1d" ON "profile_limit" ("user_id");""",
}

DOWN = {
    "sqlite": """
DROP TABLE IF EXISTS "profile_limit";
DROP TABLE IF EXISTS "user_state";
DROP TABLE IF EXISTS "feedback";
ALTER TABLE "user_taste" DROP COLUMN "subscribed_platforms";
ALTER TABLE "user_taste" DROP COLUMN "home_region";
ALTER TABLE "interaction" DROP COLUMN "progress";
ALTER TABLE "title_signal" DROP COLUMN "offers";
ALTER TABLE "title_signal" DROP COLUMN "people";
ALTER TABLE "title_signal" DROP COLUMN "runtime_minutes";
ALTER TABLE "title_signal" DROP COLUMN "age_rating";
ALTER TABLE "title_signal" DROP COLUMN "name";""",
    "postgres": """
DROP TABLE IF EXISTS "profile_limit";
DROP TABLE IF EXISTS "user_state";
DROP TABLE IF EXISTS "feedback";
ALTER TABLE "user_taste" DROP COLUMN IF EXISTS "subscribed_platforms";
ALTER TABLE "user_taste" DROP COLUMN IF EXISTS "home_region";
ALTER TABLE "interaction" DROP COLUMN IF EXISTS "progress";
ALTER TABLE "title_signal" DROP COLUMN IF EXISTS "offers";
ALTER TABLE "title_signal" DROP COLUMN IF EXISTS "people";
ALTER TABLE "title_signal" DROP COLUMN IF EXISTS "runtime_minutes";
ALTER TABLE "title_signal" DROP COLUMN IF EXISTS "age_rating";
ALTER TABLE "title_signal" DROP COLUMN IF EXISTS "name";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

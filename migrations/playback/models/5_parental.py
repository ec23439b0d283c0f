"""playback: what a title is (age rating, genres, from `title.upserted`) and the household
profiles' parental limits (from `profile.changed`), so a profile's limits hold when it starts
playback."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
ALTER TABLE "title_fact" ADD COLUMN "age_rating" INT;
ALTER TABLE "title_fact" ADD COLUMN "genres" JSON NOT NULL DEFAULT '[]';
CREATE TABLE IF NOT EXISTS "profile_limit" (
    "profile_id" CHAR(36) NOT NULL PRIMARY KEY,
    "user_id" CHAR(36) NOT NULL,
    "is_kid" INT NOT NULL DEFAULT 0,
    "max_age" INT,
    "blocked_genres" JSON NOT NULL,
    "deleted" INT NOT NULL DEFAULT 0,
    "changed_at" TIMESTAMP NOT NULL
);""",
    "postgres": """
ALTER TABLE "title_fact" ADD COLUMN IF NOT EXISTS "age_rating" INT;
ALTER TABLE "title_fact" ADD COLUMN IF NOT EXISTS "genres" JSONB NOT NULL DEFAULT '[]';
CREATE TABLE IF NOT EXISTS "profile_limit" (
    "profile_id" UUID NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "is_kid" BOOL NOT NULL DEFAULT False,
    "max_age" INT,
    "blocked_genres" JSONB NOT NULL,
    "deleted" BOOL NOT NULL DEFAULT False,
    "changed_at" TIMESTAMPTZ NOT NULL
);""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ('DROP TABLE IF EXISTS "profile_limit"; '
            'ALTER TABLE "title_fact" DROP COLUMN "genres"; '
            'ALTER TABLE "title_fact" DROP COLUMN "age_rating";')

"""content: sorting titles (issue 12). A sort title and a trending score per title, when each
viewer last watched a title, the viewers' subscribed platforms (from `user.registered` and
`user.updated`), and one (value, id) index per sort, so every page resumes by keyset.

Existing titles get their sort title here (the same function ingestion uses); trending fills
in as viewings arrive."""

from tortoise import BaseDBAsyncClient

from subgraphs.content.catalog.domain.titles import sort_title

RUN_IN_TRANSACTION = True

_INDEXES = """
CREATE INDEX IF NOT EXISTS "idx_title_popularity_id" ON "title" ("popularity", "id");
CREATE INDEX IF NOT EXISTS "idx_title_release_year_id" ON "title" ("release_year", "id");
CREATE INDEX IF NOT EXISTS "idx_title_rating_id" ON "title" ("average_rating", "id");
CREATE INDEX IF NOT EXISTS "idx_title_sort_title_id" ON "title" ("sort_title", "id");
CREATE INDEX IF NOT EXISTS "idx_title_trending_id" ON "title" ("trending", "id");
CREATE INDEX IF NOT EXISTS "idx_offer_region_title" ON "offer" ("region", "title_id");
"""

SQL = {
    "sqlite": """
ALTER TABLE "title" ADD COLUMN "sort_title" VARCHAR(500);
ALTER TABLE "title" ADD COLUMN "trending" REAL;
ALTER TABLE "title_viewer" ADD COLUMN "viewed_at" TIMESTAMP;
CREATE TABLE IF NOT EXISTS "viewer_platforms" (
    "user_id" CHAR(36) NOT NULL PRIMARY KEY,
    "home_region" VARCHAR(2) NOT NULL,
    "platforms" JSON NOT NULL,
    "changed_at" TIMESTAMP NOT NULL
);""" + _INDEXES,
    "postgres": """
ALTER TABLE "title" ADD COLUMN IF NOT EXISTS "sort_title" VARCHAR(500);
ALTER TABLE "title" ADD COLUMN IF NOT EXISTS "trending" DOUBLE PRECISION;
ALTER TABLE "title_viewer" ADD COLUMN IF NOT EXISTS "viewed_at" TIMESTAMPTZ;
CREATE TABLE IF NOT EXISTS "viewer_platforms" (
    "user_id" UUID NOT NULL PRIMARY KEY,
    "home_region" VARCHAR(2) NOT NULL,
    "platforms" JSONB NOT NULL,
    "changed_at" TIMESTAMPTZ NOT NULL
);""" + _INDEXES,
}

DOWN = """
DROP INDEX IF EXISTS "idx_title_popularity_id";
DROP INDEX IF EXISTS "idx_title_release_year_id";
DROP INDEX IF EXISTS "idx_title_rating_id";
DROP INDEX IF EXISTS "idx_title_sort_title_id";
DROP INDEX IF EXISTS "idx_title_trending_id";
DROP INDEX IF EXISTS "idx_offer_region_title";
DROP TABLE IF EXISTS "viewer_platforms";
ALTER TABLE "title_viewer" DROP COLUMN "viewed_at";
ALTER TABLE "title" DROP COLUMN "trending";
ALTER TABLE "title" DROP COLUMN "sort_title";
"""


async def upgrade(db: BaseDBAsyncClient) -> str:
    # The columns first, in this transaction, so the titles already stored get a sort title.
    await db.execute_script(SQL[db.capabilities.dialect])
    await backfill(db)
    return "SELECT 1;"


async def backfill(db: BaseDBAsyncClient) -> None:
    """Every title without a sort title gets one."""
    _, rows = await db.execute_query(
        'SELECT "id", "title" FROM "title" WHERE "sort_title" IS NULL')
    mark = "?" if db.capabilities.dialect == "sqlite" else "$1"
    other = "?" if db.capabilities.dialect == "sqlite" else "$2"
    for row in rows:
        await db.execute_query(f'UPDATE "title" SET "sort_title" = {mark} WHERE "id" = {other}',
                               [sort_title(row["title"]).casefold(), row["id"]])


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN

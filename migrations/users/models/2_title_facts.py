"""users: the catalog's title ids as `title.upserted` announced them (watchlist adds and
viewings must name a catalog title)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "title_fact" (
    "title_id" CHAR(36) NOT NULL PRIMARY KEY,
    "announced_at" TIMESTAMP NOT NULL
);""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "title_fact" (
    "title_id" UUID NOT NULL PRIMARY KEY,
    "announced_at" TIMESTAMPTZ NOT NULL
);""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'DROP TABLE IF EXISTS "title_fact";'

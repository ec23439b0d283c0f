"""recommendations: a stamp per user (and one for the catalog) that moves on every write."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "user_stamp" (
    "user_id" CHAR(36) NOT NULL PRIMARY KEY,
    "stamp" BIGINT NOT NULL
);""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "user_stamp" (
    "user_id" UUID NOT NULL PRIMARY KEY,
    "stamp" BIGINT NOT NULL
);""",
}

DOWN = {
    "sqlite": """DROP TABLE IF EXISTS "user_stamp";""",
    "postgres": """DROP TABLE IF EXISTS "user_stamp";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

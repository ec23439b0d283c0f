"""content: the household profiles' parental limits, projected from `profile.changed`."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
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

DOWN = {
    "sqlite": 'DROP TABLE IF EXISTS "profile_limit";',
    "postgres": 'DROP TABLE IF EXISTS "profile_limit";',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

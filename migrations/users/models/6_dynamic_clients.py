"""users: OAuth clients that registered themselves (RFC 7591), whose names are unverified."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": 'ALTER TABLE "oauth_client" ADD COLUMN "dynamic" INT NOT NULL DEFAULT 0;',
    "postgres": 'ALTER TABLE "oauth_client" ADD COLUMN IF NOT EXISTS "dynamic" BOOL NOT NULL '
                "DEFAULT FALSE;",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "oauth_client" DROP COLUMN "dynamic";'

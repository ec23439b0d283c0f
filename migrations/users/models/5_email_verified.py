"""users: when an account's email address was verified (null until then)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": 'ALTER TABLE "user_account" ADD COLUMN "email_verified_at" TIMESTAMP;',
    "postgres": 'ALTER TABLE "user_account" ADD COLUMN IF NOT EXISTS "email_verified_at" '
                'TIMESTAMPTZ;',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "user_account" DROP COLUMN "email_verified_at";'

"""users: profiles get an avatar, an optional PIN (argon2 hash) and the time they were made
(the first one made is the profile a sign-in acts as)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

_FILL = """UPDATE "profile" SET "created_at" = (
    SELECT "created_at" FROM "user_account" WHERE "user_account"."id" = "profile"."user_id");"""

SQL = {
    "sqlite": """
ALTER TABLE "profile" ADD COLUMN "avatar" VARCHAR(20) NOT NULL DEFAULT 'blue';
ALTER TABLE "profile" ADD COLUMN "pin_hash" VARCHAR(200);
ALTER TABLE "profile" ADD COLUMN "created_at" TIMESTAMP;
""" + _FILL,
    "postgres": """
ALTER TABLE "profile" ADD COLUMN IF NOT EXISTS "avatar" VARCHAR(20) NOT NULL DEFAULT 'blue';
ALTER TABLE "profile" ADD COLUMN IF NOT EXISTS "pin_hash" VARCHAR(200);
ALTER TABLE "profile" ADD COLUMN IF NOT EXISTS "created_at" TIMESTAMPTZ;
""" + _FILL,
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return ('ALTER TABLE "profile" DROP COLUMN "created_at"; '
            'ALTER TABLE "profile" DROP COLUMN "pin_hash"; '
            'ALTER TABLE "profile" DROP COLUMN "avatar";')

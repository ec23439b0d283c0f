"""content: each outbox row keeps the trace context of the write that staged it
(subgraphs/common/outbox.py), so the published event joins that request's trace."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": 'ALTER TABLE "outbox" ADD COLUMN "traceparent" VARCHAR(64);',
    "postgres": 'ALTER TABLE "outbox" ADD COLUMN IF NOT EXISTS "traceparent" VARCHAR(64);',
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return 'ALTER TABLE "outbox" DROP COLUMN "traceparent";'

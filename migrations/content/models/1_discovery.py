"""content: title graph (edges, viewers for co-watching), ingestion hashes, collections."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
ALTER TABLE "title" ADD COLUMN "collection" VARCHAR(200);
ALTER TABLE "title" ADD COLUMN "content_hash" VARCHAR(64);
CREATE INDEX IF NOT EXISTS "idx_title_tmdb_id_3c1d2e" ON "title" ("tmdb_id");
CREATE INDEX IF NOT EXISTS "idx_title_eidr_id_8a7b6c" ON "title" ("eidr_id");
CREATE TABLE IF NOT EXISTS "title_edge" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(10) NOT NULL,
    "weight" REAL NOT NULL,
    "src_id" CHAR(36) NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE,
    "dst_id" CHAR(36) NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_title_edge_src_id_5e0f1a" UNIQUE ("src_id", "dst_id", "kind")
);
CREATE TABLE IF NOT EXISTS "title_viewer" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "viewer_key" VARCHAR(32) NOT NULL,
    "title_id" CHAR(36) NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_title_viewer_title_i_2b9c4d" UNIQUE ("title_id", "viewer_key")
);""",
    "postgres": """
ALTER TABLE "title" ADD COLUMN IF NOT EXISTS "collection" VARCHAR(200);
ALTER TABLE "title" ADD COLUMN IF NOT EXISTS "content_hash" VARCHAR(64);
CREATE INDEX IF NOT EXISTS "idx_title_tmdb_id_3c1d2e" ON "title" ("tmdb_id");
CREATE INDEX IF NOT EXISTS "idx_title_eidr_id_8a7b6c" ON "title" ("eidr_id");
CREATE TABLE IF NOT EXISTS "title_edge" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(10) NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "src_id" UUID NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE,
    "dst_id" UUID NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_title_edge_src_id_5e0f1a" UNIQUE ("src_id", "dst_id", "kind")
);
CREATE TABLE IF NOT EXISTS "title_viewer" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "viewer_key" VARCHAR(32) NOT NULL,
    "title_id" UUID NOT NULL REFERENCES "title" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_title_viewer_title_i_2b9c4d" UNIQUE ("title_id", "viewer_key")
);""",
}

DOWN = {
    "sqlite": """
DROP TABLE IF EXISTS "title_viewer";
DROP TABLE IF EXISTS "title_edge";
DROP INDEX IF EXISTS "idx_title_eidr_id_8a7b6c";
DROP INDEX IF EXISTS "idx_title_tmdb_id_3c1d2e";
ALTER TABLE "title" DROP COLUMN "content_hash";
ALTER TABLE "title" DROP COLUMN "collection";""",
    "postgres": """
DROP TABLE IF EXISTS "title_viewer";
DROP TABLE IF EXISTS "title_edge";
DROP INDEX IF EXISTS "idx_title_eidr_id_8a7b6c";
DROP INDEX IF EXISTS "idx_title_tmdb_id_3c1d2e";
ALTER TABLE "title" DROP COLUMN IF EXISTS "content_hash";
ALTER TABLE "title" DROP COLUMN IF EXISTS "collection";""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWN[db.capabilities.dialect]

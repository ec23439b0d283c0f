"""users: OAuth clients and refresh-token families (rotating refresh tokens live in the database;
codes, device codes and revoked token ids are short-lived and live in Redis)."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

SQL = {
    "sqlite": """
CREATE TABLE IF NOT EXISTS "oauth_client" (
    "client_id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "secret_hash" VARCHAR(64),
    "redirect_uris" JSON NOT NULL,
    "grant_types" JSON NOT NULL,
    "scopes" JSON NOT NULL,
    "first_party" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "refresh_family" (
    "id" CHAR(36) NOT NULL PRIMARY KEY,
    "client_id" VARCHAR(64) NOT NULL,
    "scope" VARCHAR(500) NOT NULL,
    "profile_id" CHAR(36),
    "created_at" TIMESTAMP NOT NULL,
    "revoked_at" TIMESTAMP,
    "revoked_reason" VARCHAR(40),
    "last_access_jti" VARCHAR(64),
    "last_access_expires_at" TIMESTAMP,
    "user_id" CHAR(36) NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_refresh_fam_user_id_8f6546" ON "refresh_family" ("user_id", "created_at");
CREATE TABLE IF NOT EXISTS "refresh_token" (
    "token_hash" VARCHAR(64) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "used_at" TIMESTAMP,
    "family_id" CHAR(36) NOT NULL REFERENCES "refresh_family" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_family" ON "refresh_token" ("family_id");""",
    "postgres": """
CREATE TABLE IF NOT EXISTS "oauth_client" (
    "client_id" VARCHAR(64) NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "secret_hash" VARCHAR(64),
    "redirect_uris" JSONB NOT NULL,
    "grant_types" JSONB NOT NULL,
    "scopes" JSONB NOT NULL,
    "first_party" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "refresh_family" (
    "id" UUID NOT NULL PRIMARY KEY,
    "client_id" VARCHAR(64) NOT NULL,
    "scope" VARCHAR(500) NOT NULL,
    "profile_id" UUID,
    "created_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoked_reason" VARCHAR(40),
    "last_access_jti" VARCHAR(64),
    "last_access_expires_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_refresh_fam_user_id_8f6546" ON "refresh_family" ("user_id", "created_at");
CREATE TABLE IF NOT EXISTS "refresh_token" (
    "token_hash" VARCHAR(64) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "family_id" UUID NOT NULL REFERENCES "refresh_family" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_family" ON "refresh_token" ("family_id");""",
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return SQL[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    # The same statements on both databases.
    return 'DROP TABLE IF EXISTS "refresh_token"; DROP TABLE IF EXISTS "refresh_family"; ' \
        'DROP TABLE IF EXISTS "oauth_client";'

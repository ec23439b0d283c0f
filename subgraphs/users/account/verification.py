"""Email verification tokens: random, shown only in the mail, kept in Redis as a hash with a
24-hour expiry, good once."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

__all__ = ["VERIFICATION_TTL_S", "PendingVerification", "VerificationTokens"]

VERIFICATION_TTL_S = 24 * 3600


@dataclass(frozen=True)
class PendingVerification:
    user_id: uuid.UUID
    email: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class VerificationTokens:
    def __init__(self, redis: Redis, prefix: str = "users:email-verification") -> None:
        self.redis = redis
        self.prefix = prefix

    async def issue(self, user_id: uuid.UUID, email: str) -> str:
        token = secrets.token_urlsafe(32)
        record = json.dumps({"user_id": str(user_id), "email": email})
        await self.redis.set(f"{self.prefix}:{_digest(token)}", record, ex=VERIFICATION_TTL_S)
        return token

    async def take(self, token: str) -> PendingVerification | None:
        """The token's verification, removed so that it works once; None when unknown."""
        raw = await self.redis.getdel(f"{self.prefix}:{_digest(token[:200])}")
        if raw is None:
            return None
        record = json.loads(raw)
        return PendingVerification(uuid.UUID(record["user_id"]), record["email"])

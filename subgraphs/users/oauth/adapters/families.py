"""Refresh tokens and their families in the database: a token is good once; presenting a used
one revokes its whole family (RFC 6749 §10.4, OAuth 2.0 Security BCP §4.14)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from subgraphs.common.events import Event
from subgraphs.common.outbox import stage
from subgraphs.users.adapters.orm import RefreshFamilyRow, RefreshTokenRow
from subgraphs.users.oauth.domain import REFRESH_TTL, RefreshToken, digest

__all__ = ["FamilyStore", "LastAccess"]


@dataclass(frozen=True)
class LastAccess:
    """The newest access token of a revoked family, to revoke it too."""

    jti: str
    expires_at: datetime


class FamilyStore:
    async def add_token(
        self,
        token: str,
        family_id: uuid.UUID,
        *,
        user_id: uuid.UUID,
        client_id: str,
        scope: str,
        profile_id: uuid.UUID | None,
        access_jti: str,
        access_expires_at: datetime,
        now: datetime | None = None,
        events: Sequence[Event] = (),
    ) -> None:
        """Store `token` in `family_id`, starting the family on its first token; `events` are
        staged in the outbox in the same transaction."""
        now = now or datetime.now(UTC)
        async with in_transaction() as connection:
            await stage(events, connection)
            _, created = await RefreshFamilyRow.get_or_create(
                id=family_id,
                defaults={"user_id": user_id, "client_id": client_id, "scope": scope,
                          "profile_id": profile_id, "created_at": now,
                          "last_access_jti": access_jti,
                          "last_access_expires_at": access_expires_at},
            )
            if not created:
                await RefreshFamilyRow.filter(id=family_id).update(
                    last_access_jti=access_jti, last_access_expires_at=access_expires_at
                )
            await RefreshTokenRow.create(
                token_hash=digest(token), family_id=family_id, created_at=now,
                expires_at=now + timedelta(seconds=REFRESH_TTL),
            )

    async def find(self, token: str, now: datetime | None = None) -> RefreshToken | None:
        now = now or datetime.now(UTC)
        row = await RefreshTokenRow.get_or_none(token_hash=digest(token)).prefetch_related(
            "family"
        )
        if row is None:
            return None
        family: RefreshFamilyRow = row.family
        return RefreshToken(
            token_hash=row.token_hash, family_id=family.id,
            user_id=family.user_id,  # type: ignore[attr-defined]
            client_id=family.client_id, scope=family.scope, profile_id=family.profile_id,
            expired=row.expires_at <= now, used=row.used_at is not None,
            revoked=family.revoked_at is not None,
        )

    async def claim(self, token_hash: str, now: datetime | None = None) -> bool:
        """Mark the token used; False when another request used it first."""
        updated = await RefreshTokenRow.filter(token_hash=token_hash, used_at=None).update(
            used_at=now or datetime.now(UTC)
        )
        return updated == 1

    async def revoke(
        self, family_id: uuid.UUID, reason: str, now: datetime | None = None
    ) -> LastAccess | None:
        """Revoke the family (idempotent); its newest access token, to revoke that too."""
        await RefreshFamilyRow.filter(id=family_id, revoked_at=None).update(
            revoked_at=now or datetime.now(UTC), revoked_reason=reason
        )
        row = await RefreshFamilyRow.get_or_none(id=family_id)
        if row is None or not row.last_access_jti or row.last_access_expires_at is None:
            return None
        return LastAccess(row.last_access_jti, row.last_access_expires_at)

    async def revoke_user(
        self, user_id: uuid.UUID, reason: str, keep: uuid.UUID | None = None,
        now: datetime | None = None,
    ) -> list[LastAccess]:
        """Revoke every live family of the user but `keep`: signs out the other sessions."""
        query = RefreshFamilyRow.filter(user_id=user_id, revoked_at=None)
        if keep is not None:
            query = query.exclude(id=keep)
        rows = await query
        revoked = []
        for row in rows:
            access = await self.revoke(row.id, reason, now)
            if access is not None:
                revoked.append(access)
        return revoked

"""Registered OAuth clients, in the `oauth_client` table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from subgraphs.users.adapters.orm import OAuthClientRow
from subgraphs.users.oauth.domain import ACCESS_SCOPES, Client, digest

__all__ = ["ClientStore"]


class ClientStore:
    async def get(self, client_id: str) -> Client | None:
        row = await OAuthClientRow.get_or_none(client_id=client_id)
        if row is None:
            return None
        return Client(
            client_id=row.client_id, name=row.name, redirect_uris=tuple(row.redirect_uris),
            grant_types=tuple(row.grant_types), scopes=tuple(row.scopes),
            secret_hash=row.secret_hash, first_party=row.first_party, dynamic=row.dynamic,
        )

    async def register(
        self,
        client_id: str,
        name: str,
        *,
        redirect_uris: Sequence[str] = (),
        grant_types: Sequence[str] = ("authorization_code", "refresh_token"),
        scopes: Sequence[str] = ACCESS_SCOPES,
        secret: str | None = None,
        first_party: bool = False,
        dynamic: bool = False,
    ) -> Client:
        """Create or replace a client (idempotent, for seeding and operators; and for apps
        registering themselves, `dynamic`, under a fresh id)."""
        await OAuthClientRow.update_or_create(
            client_id=client_id,
            defaults={
                "name": name, "redirect_uris": list(redirect_uris),
                "grant_types": list(grant_types), "scopes": list(scopes),
                "secret_hash": digest(secret) if secret else None, "first_party": first_party,
                "dynamic": dynamic, "created_at": datetime.now(UTC),
            },
        )
        client = await self.get(client_id)
        assert client is not None
        return client

"""The RSA keys access tokens are signed with, kept in the `signing_key` table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from subgraphs.users.adapters.orm import SigningKeyRow
from subgraphs.users.domain.model import SigningKey

__all__ = ["ensure_signing_key", "generate_signing_key", "load_signing_keys"]

KEY_BITS = 2048


def generate_signing_key(now: datetime | None = None) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(kid=uuid.uuid4().hex, private_pem=pem, created_at=now or datetime.now(UTC))


async def load_signing_keys() -> list[SigningKey]:
    """Every stored key, newest first: the newest signs, all of them verify."""
    rows = await SigningKeyRow.all().order_by("-created_at", "kid")
    return [SigningKey(row.kid, row.private_pem, row.created_at) for row in rows]


async def ensure_signing_key() -> SigningKey:
    """Called at start-up: the newest key, created first when the table is empty."""
    keys = await load_signing_keys()
    if keys:
        return keys[0]
    key = generate_signing_key()
    await SigningKeyRow.create(kid=key.kid, private_pem=key.private_pem, created_at=key.created_at)
    # Two instances starting together may each create one; the JWKS lists both, so both verify.
    return key

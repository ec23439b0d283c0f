"""The RSA keys access tokens are signed with, kept in the `signing_key` table, and the task
that keeps each replica signing with the active one (`subgraphs/users/domain/keys.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tortoise.exceptions import BaseORMException

from subgraphs.users.adapters.orm import SigningKeyRow
from subgraphs.users.domain.keys import active_key
from subgraphs.users.domain.model import SigningKey
from subgraphs.users.tokens import TokenIssuer

__all__ = ["add_signing_key", "delete_signing_keys", "ensure_signing_key",
           "follow_active_key", "generate_signing_key", "load_signing_keys"]

logger = logging.getLogger("mediagateway.users.keys")

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


async def add_signing_key(now: datetime | None = None) -> SigningKey:
    key = generate_signing_key(now)
    await SigningKeyRow.create(kid=key.kid, private_pem=key.private_pem, created_at=key.created_at)
    return key


async def delete_signing_keys(keys: Sequence[SigningKey]) -> int:
    if not keys:
        return 0
    return await SigningKeyRow.filter(kid__in=[k.kid for k in keys]).delete()


async def ensure_signing_key() -> SigningKey:
    """Called at start-up: the active key, created first when the table is empty."""
    keys = await load_signing_keys()
    if keys:
        return active_key(keys, datetime.now(UTC))
    # Two instances starting together may each create one; the JWKS lists both, so both verify.
    return await add_signing_key()


async def follow_active_key(tokens: TokenIssuer, stop: asyncio.Event,
                            every_s: float = 60.0) -> None:
    """Switch `tokens` to the active key when a rotation makes another one active; the
    database away a moment keeps the current key."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
        if stop.is_set():
            return
        try:
            keys = await load_signing_keys()
        except (BaseORMException, OSError) as error:
            logger.warning("signing keys unreadable (%s); still signing with %s",
                           error, tokens.kid)
            continue
        if keys:
            key = active_key(keys, datetime.now(UTC))
            if key.kid != tokens.kid:
                tokens.use(key)
                logger.info("signing access tokens with key %s now", key.kid)

"""Signing-key rotation without signing anyone out.

A new key is published (in the JWKS) before it signs anything: verifiers cache the JWKS for up
to five minutes, so a token signed with a key they have not fetched yet would be refused. A key
that no longer signs is kept until every token it signed has expired, then retired.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from subgraphs.users.domain.model import SigningKey

__all__ = ["PUBLISH_LEAD", "active_key", "retirable_keys"]

# Longer than the JWKS's `max-age` (300 s), so every verifier has the key before it signs.
PUBLISH_LEAD = timedelta(minutes=10)


def active_key(keys: Sequence[SigningKey], now: datetime,
               lead: timedelta = PUBLISH_LEAD) -> SigningKey:
    """The key that signs now: the newest one published at least `lead` ago; while none is
    that old (a fresh install), the oldest, which is all there is to sign with."""
    if not keys:
        raise ValueError("no signing key")
    by_age = sorted(keys, key=lambda k: (k.created_at, k.kid))
    ready = [k for k in by_age if k.created_at <= now - lead]
    return ready[-1] if ready else by_age[0]


def retirable_keys(keys: Sequence[SigningKey], now: datetime, token_ttl: timedelta,
                   lead: timedelta = PUBLISH_LEAD) -> list[SigningKey]:
    """Keys older than the active one whose last token has expired: the active key took over
    at its `created_at + lead` (every replica within a minute more), and an older key's
    tokens live `token_ttl` beyond that."""
    current = active_key(keys, now, lead)
    took_over = current.created_at + lead + timedelta(minutes=1)
    if now < took_over + token_ttl:
        return []
    return [k for k in keys if (k.created_at, k.kid) < (current.created_at, current.kid)]

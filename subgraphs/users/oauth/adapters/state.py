"""Short-lived OAuth state in Redis, each key with its TTL, so any number of replicas share it:
pending authorization requests, codes, device codes and their approvals, revoked token ids and
users signed out everywhere. The router reads the last two (router/revocation.ts)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from redis.asyncio import Redis

from subgraphs.users.oauth.domain import (
    CODE_TTL,
    DEVICE_INTERVAL,
    DEVICE_TTL,
    REQUEST_TTL,
    AuthorizationCode,
    DeviceCredential,
    digest,
)

__all__ = ["OAuthState"]

# Expired device codes stay readable this long past expiry, so a late poll hears
# `expired_token` rather than an unknown code.
_EXPIRED_GRACE = 600
# How early a poll may come and still count as on time (network jitter).
_POLL_TOLERANCE_MS = 500
# A reused code is recognised for as long as it could have been valid, and then some.
_USED_CODE_TTL = 2 * CODE_TTL


class OAuthState:
    def __init__(self, redis: Redis, prefix: str = "oauth") -> None:
        self.redis = redis
        self.prefix = prefix

    def _key(self, kind: str, value: str) -> str:
        return f"{self.prefix}:{kind}:{value}"

    # Pending authorization requests (what the consent page was shown for).

    async def put_request(self, params: dict[str, str]) -> str:
        request_id = secrets.token_urlsafe(24)
        await self.redis.set(self._key("request", request_id), json.dumps(params), ex=REQUEST_TTL)
        return request_id

    async def request(self, request_id: str) -> dict[str, str] | None:
        raw = await self.redis.get(self._key("request", request_id))
        return None if raw is None else json.loads(raw)

    async def drop_request(self, request_id: str) -> None:
        await self.redis.delete(self._key("request", request_id))

    # Authorization codes: single use; a second use finds the family the first one started.

    async def put_code(self, code: str, record: AuthorizationCode) -> None:
        await self.redis.set(self._key("code", digest(code)), json.dumps(record.to_json()),
                             ex=CODE_TTL)

    async def take_code(self, code: str) -> tuple[AuthorizationCode | None, str | None]:
        """(the code, None) on first use; (None, family id) when it was used before."""
        hashed = digest(code)
        raw = await self.redis.getdel(self._key("code", hashed))
        used_key = self._key("code-used", hashed)
        if raw is None:
            family = await self.redis.get(used_key)
            return None, family.decode() if family else None
        record = AuthorizationCode.from_json(json.loads(raw))
        await self.redis.set(used_key, str(record.family_id), ex=_USED_CODE_TTL)
        return record, None

    # Device codes (RFC 8628).

    async def put_device(self, device_code: str, credential: DeviceCredential) -> None:
        ttl = DEVICE_TTL + _EXPIRED_GRACE
        hashed = digest(device_code)
        record = {"client_id": credential.client_id, "scope": credential.scope,
                  "user_code": credential.user_code, "expires_at": credential.expires_at}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key("device", hashed), json.dumps(record), ex=ttl)
            pipe.set(self._key("user-code", credential.user_code), hashed, ex=DEVICE_TTL)
            await pipe.execute()

    async def device(self, device_code: str) -> DeviceCredential | None:
        raw = await self.redis.get(self._key("device", digest(device_code)))
        return None if raw is None else _credential(json.loads(raw))

    async def device_by_user_code(self, user_code: str) -> DeviceCredential | None:
        """The pending, unexpired device authorization a user code names."""
        hashed = await self.redis.get(self._key("user-code", user_code))
        if hashed is None:
            return None
        raw = await self.redis.get(self._key("device", hashed.decode()))
        if raw is None:
            return None
        credential = _credential(json.loads(raw))
        return None if credential.is_expired() else credential

    async def decide(self, user_code: str, decision: dict[str, Any]) -> bool:
        """Record the user's answer once; False when the code was already answered."""
        return bool(await self.redis.set(self._key("user-grant", user_code),
                                         json.dumps(decision), ex=DEVICE_TTL, nx=True))

    async def decision(self, user_code: str) -> dict[str, Any] | None:
        raw = await self.redis.get(self._key("user-grant", user_code))
        return None if raw is None else json.loads(raw)

    async def polled_too_fast(self, device_code: str) -> bool:
        """Counts one poll; True (and 5 s more interval from now on) when it came too early."""
        hashed = digest(device_code)
        interval_key = self._key("device-interval", hashed)
        interval = int(await self.redis.get(interval_key) or DEVICE_INTERVAL)
        window = max(interval * 1000 - _POLL_TOLERANCE_MS, 1)
        on_time = await self.redis.set(self._key("device-poll", hashed), 1, px=window, nx=True)
        if on_time:
            return False
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(interval_key, interval + DEVICE_INTERVAL, ex=DEVICE_TTL + _EXPIRED_GRACE)
            pipe.set(self._key("device-poll", hashed), 1,
                     px=(interval + DEVICE_INTERVAL) * 1000 - _POLL_TOLERANCE_MS)
            await pipe.execute()
        return True

    async def finish_device(self, device_code: str, user_code: str) -> bool:
        """Consume the device code once its tokens are issued; False if another poll did."""
        hashed = digest(device_code)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._key("device", hashed))
            pipe.delete(self._key("user-code", user_code))
            pipe.delete(self._key("user-grant", user_code))
            deleted, *_ = await pipe.execute()
        return bool(deleted)

    # Revoked access tokens, until they would have expired anyway.

    async def revoke_jti(self, jti: str, expires_at: float) -> None:
        ttl = int(expires_at - time.time()) + 1
        if ttl > 0:
            await self.redis.set(self._key("revoked", jti), 1, ex=ttl)

    async def is_revoked(self, jti: str) -> bool:
        return bool(await self.redis.exists(self._key("revoked", jti)))

    async def sign_out_before(self, user_id: str, at: int, lifetime: int) -> None:
        """Every access token of the user issued before Unix second `at` is revoked (the
        router refuses them); kept as long as such a token can live."""
        await self.redis.set(self._key("signed-out", user_id), at, ex=lifetime + 60)

    async def signed_out_before(self, user_id: str) -> int | None:
        raw = await self.redis.get(self._key("signed-out", user_id))
        return None if raw is None else int(raw)


def _credential(record: dict[str, Any]) -> DeviceCredential:
    return DeviceCredential(client_id=record["client_id"], scope=record["scope"],
                            user_code=record["user_code"], expires_at=float(record["expires_at"]))

"""OAuth use cases shared by the web pages and GraphQL: approving a device's sign-in."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.errors import Conflict, NotFound
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.oauth.adapters.clients import ClientStore
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.oauth.domain import GrantUser, normalise_user_code
from subgraphs.users.services import Limit

__all__ = ["USER_CODE_LIMIT", "DeviceDecision", "decide_device"]

# Guessing user codes: 10 tries per 15 minutes, per address and per account.
USER_CODE_LIMIT = Limit("device-user-code", 10, 900)


@dataclass(frozen=True)
class DeviceDecision:
    user_code: str
    client_name: str
    scopes: tuple[str, ...]
    approved: bool


async def decide_device(
    *,
    state: OAuthState,
    clients: ClientStore,
    limiter: RateLimiter,
    client_ip: str,
    user: GrantUser,
    user_code: str,
    approved: bool,
) -> DeviceDecision:
    """Approve or deny the device waiting with `user_code`, once."""
    for key in (client_ip, str(user.user_id)):
        await limiter.hit(USER_CODE_LIMIT.action, key, USER_CODE_LIMIT.calls,
                          USER_CODE_LIMIT.window_seconds)
    code = normalise_user_code(user_code)
    credential = await state.device_by_user_code(code) if code else None
    if code is None or credential is None:
        raise NotFound("No device is waiting with this code; it may have expired.")
    client = await clients.get(credential.client_id)
    decision = {
        "approved": approved, "user_id": str(user.user_id),
        "profile_id": str(user.profile_id) if user.profile_id else None,
        "home_region": user.home_region,
    }
    if not await state.decide(code, decision):
        raise Conflict("This code was already answered.")
    return DeviceDecision(code, client.name if client else credential.client_id,
                          tuple(credential.scope.split()), approved)

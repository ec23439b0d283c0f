"""Account use cases: change the password, delete the account, export its data."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.exceptions import RedisError

from subgraphs.common.auth import Viewer
from subgraphs.common.erasure import user_deleted
from subgraphs.common.outbox import OutboxRelay
from subgraphs.users.account.deletions import DeletionProgress, DeletionTracker
from subgraphs.users.account.domain import WrongPassword
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.domain.errors import InvalidCredentials
from subgraphs.users.domain.model import User
from subgraphs.users.domain.passwords import Passwords, check_password
from subgraphs.users.oauth.adapters.families import FamilyStore
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.profiles.domain import ProfileLocked
from subgraphs.users.profiles.services import active_profile
from subgraphs.users.services import LOGIN_ACCOUNT_LIMIT
from subgraphs.users.tokens import AccessToken, TokenIssuer

__all__ = ["AccountDeletion", "PasswordChange", "change_password", "delete_account",
           "deletion_progress", "owner"]

logger = logging.getLogger("mediagateway.users.account")


@dataclass(frozen=True)
class PasswordChange:
    token: AccessToken
    signed_out: int  # the other sessions' refresh-token families revoked


async def owner(repo: UsersRepository, viewer: Viewer) -> User:
    """The account, when the caller may act for it: a first-party sign-in (`account`) not
    acting as a kid's profile."""
    user_id = viewer.require_scope("account")
    acting = await active_profile(repo, viewer)
    if acting is not None and acting.is_kid:
        raise ProfileLocked()
    found = (await repo.users_by_ids([user_id])).get(user_id)
    if found is None:
        raise InvalidCredentials()  # a token of an account that is gone
    return found


async def confirm_password(
    repo: UsersRepository, passwords: Passwords, limiter: RateLimiter, user: User,
    password: str, field: str = "currentPassword",
) -> None:
    """The user's own password, again; wrong tries count against the account as sign-ins do."""
    limit = LOGIN_ACCOUNT_LIMIT
    await limiter.check(limit.action, user.email, limit.calls)
    credentials = await repo.credentials_by_email(user.email)
    if credentials is None or not await asyncio.to_thread(
            passwords.verify, credentials.password_hash, password):
        await limiter.hit(limit.action, user.email, limit.calls, limit.window_seconds)
        raise WrongPassword(field)


async def change_password(
    *, repo: UsersRepository, passwords: Passwords, limiter: RateLimiter, tokens: TokenIssuer,
    families: FamilyStore, state: OAuthState, viewer: Viewer, current: str, new: str,
) -> PasswordChange:
    """Set a new password and sign out every session: refresh tokens are revoked and access
    tokens issued before now refused (by the router); the caller gets a fresh access token."""
    user = await owner(repo, viewer)
    check_password(new)
    await confirm_password(repo, passwords, limiter, user, current)
    password_hash = await asyncio.to_thread(passwords.hash, new)
    await repo.set_password_hash(user.id, password_hash)
    revoked = await families.revoke_user(user.id, "password_changed")
    for access in revoked:
        await state.revoke_jti(access.jti, access.expires_at.timestamp())
    # Tokens carry whole seconds: everything issued up to this second is refused, and the
    # fresh token is issued once the next second has begun so that it alone survives.
    cutoff = int(time.time()) + 1
    await state.sign_out_before(str(user.id), cutoff, tokens.ttl_seconds)
    await asyncio.sleep(max(0.0, cutoff - time.time()))
    # The loop may wake a hair early; the token's second must not be before the cutoff.
    issued_at = datetime.fromtimestamp(max(float(cutoff), time.time()), UTC)
    token = tokens.issue(user.id, scopes=sorted(viewer.scopes), now=issued_at,
                         home_region=user.home_region, profile_id=viewer.profile_id)
    return PasswordChange(token, len(revoked))


@dataclass(frozen=True)
class AccountDeletion:
    receipt: str  # shown once: it alone asks how the deletion goes
    progress: DeletionProgress


async def delete_account(
    *, repo: UsersRepository, passwords: Passwords, limiter: RateLimiter, tokens: TokenIssuer,
    state: OAuthState, relay: OutboxRelay, tracker: DeletionTracker, viewer: Viewer,
    password: str,
) -> AccountDeletion:
    """Delete the account and everything of it here, in one transaction with `user.deleted`
    (outbox); every sign-in ends; the other subgraphs erase their part and confirm."""
    user = await owner(repo, viewer)
    await confirm_password(repo, passwords, limiter, user, password, field="password")
    now = datetime.now(UTC)
    receipt = secrets.token_urlsafe(24)
    # Tracked first: a confirmation can arrive as soon as the event leaves.
    await tracker.start(user.id, receipt, now.isoformat())
    if not await repo.delete_user(user.id, [user_deleted(user.id, now)]):
        raise InvalidCredentials()  # deleted meanwhile by another request
    await state.sign_out_before(str(user.id), int(time.time()) + 1, tokens.ttl_seconds)
    # Committed, so it will be published; at once when Redis takes it, else by the relay.
    with contextlib.suppress(RedisError, OSError):
        await relay.flush()
    progress = await tracker.progress(receipt) or DeletionProgress(
        now.isoformat(), (), tracker.erasers)
    logger.info("account %s deleted; erasure requested", user.id)
    return AccountDeletion(receipt, progress)


async def deletion_progress(tracker: DeletionTracker, receipt: str) -> DeletionProgress | None:
    return await tracker.progress(receipt)

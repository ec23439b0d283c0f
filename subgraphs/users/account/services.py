"""Account use cases: change the password, delete the account, export its data."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import aiosmtplib
from redis.exceptions import RedisError

from subgraphs.common.auth import Viewer
from subgraphs.common.erasure import user_deleted
from subgraphs.common.outbox import OutboxRelay
from subgraphs.users.account.deletions import DeletionProgress, DeletionTracker
from subgraphs.users.account.domain import (
    AlreadyVerified,
    BadVerificationToken,
    MailUnavailable,
    WrongPassword,
    verification_mail_text,
)
from subgraphs.users.account.verification import VERIFICATION_TTL_S, VerificationTokens
from subgraphs.users.adapters.mailer import Mail, Mailer
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.domain.errors import InvalidCredentials
from subgraphs.users.domain.model import User
from subgraphs.users.domain.passwords import Passwords, check_password
from subgraphs.users.oauth.adapters.families import FamilyStore
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.profiles.domain import ProfileLocked
from subgraphs.users.profiles.services import active_profile
from subgraphs.users.services import LOGIN_ACCOUNT_LIMIT, Limit
from subgraphs.users.tokens import AccessToken, TokenIssuer

__all__ = ["EMAIL_VERIFICATION_LIMIT", "VERIFY_PATH", "AccountDeletion", "PasswordChange",
           "change_password", "delete_account", "deletion_progress", "owner",
           "request_email_verification", "send_verification_mail", "send_verification_mail_later",
           "verify_email"]

EMAIL_VERIFICATION_LIMIT = Limit("email-verification", 5, 3600)
VERIFY_PATH = "/account/verify-email"

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
    await tracker.mark_erased(user.id)
    # Committed, so it will be published; at once when Redis takes it, else by the relay.
    with contextlib.suppress(RedisError, OSError):
        await relay.flush()
    progress = await tracker.progress(receipt) or DeletionProgress(
        now.isoformat(), (), tracker.erasers)
    logger.info("account %s deleted; erasure requested", user.id)
    return AccountDeletion(receipt, progress)


async def deletion_progress(tracker: DeletionTracker, receipt: str) -> DeletionProgress | None:
    return await tracker.progress(receipt)


async def send_verification_mail(tokens: VerificationTokens, mailer: Mailer, public_url: str,
                                 user: User) -> None:
    """A new single-use link to the account's address (earlier ones keep working until they
    expire or one is used)."""
    token = await tokens.issue(user.id, user.email)
    link = f"{public_url}{VERIFY_PATH}?{urlencode({'token': token})}"
    await mailer.send(Mail(to=user.email, subject="Confirm your email address",
                           body=verification_mail_text(user.display_name, link, token,
                                                       VERIFICATION_TTL_S // 3600)))


async def request_email_verification(
    *, repo: UsersRepository, limiter: RateLimiter, tokens: VerificationTokens, mailer: Mailer,
    public_url: str, viewer: Viewer,
) -> str:
    """Mail the signed-in user a verification link; returns the address it went to."""
    user = await owner(repo, viewer)
    if user.email_verified_at is not None:
        raise AlreadyVerified()
    limit = EMAIL_VERIFICATION_LIMIT
    await limiter.hit(limit.action, str(user.id), limit.calls, limit.window_seconds)
    try:
        await send_verification_mail(tokens, mailer, public_url, user)
    except (aiosmtplib.SMTPException, OSError) as error:
        logger.warning("verification mail to user %s failed: %s", user.id, error)
        raise MailUnavailable() from error
    return user.email


async def verify_email(
    *, repo: UsersRepository, tokens: VerificationTokens, token: str, now: datetime,
) -> datetime:
    """The link's token proves its holder reads the address: the account is verified. Needs
    no sign-in (the link may be opened on another device)."""
    pending = await tokens.take(token.strip())
    if pending is None:
        raise BadVerificationToken()
    user = (await repo.users_by_ids([pending.user_id])).get(pending.user_id)
    if user is None or user.email != pending.email:
        raise BadVerificationToken()  # the account is gone
    if user.email_verified_at is not None:
        return user.email_verified_at
    if not await repo.mark_email_verified(user.id, now):
        raise BadVerificationToken()
    return now


_sending: set[asyncio.Task[None]] = set()  # referenced until done, so none is collected early


def send_verification_mail_later(tokens: VerificationTokens, mailer: Mailer, public_url: str,
                                 user: User) -> None:
    """After sign-up: the mail goes without holding up the answer; if it fails, the user
    asks again with `requestEmailVerification`."""

    async def send() -> None:
        try:
            await send_verification_mail(tokens, mailer, public_url, user)
        except (aiosmtplib.SMTPException, OSError, RedisError) as error:
            logger.warning("verification mail to new user %s failed: %s", user.id, error)

    task = asyncio.create_task(send(), name="users:verification-mail")
    _sending.add(task)
    task.add_done_callback(_sending.discard)

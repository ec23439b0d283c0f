"""Users use cases: plain async functions over the repository, raising domain errors.

Writes stage their events in the outbox in the write's own transaction: consumers never see an
event for a change that was rolled back, and a committed one is published even when Redis is
away (at once when it is there, by the relay once it is back).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from subgraphs.common.events import Event
from subgraphs.common.group_commit import GroupCommit
from subgraphs.common.outbox import Outbox, publish_staged
from subgraphs.common.tracing import current_traceparent
from subgraphs.users import events
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.domain.errors import EmailTaken, InvalidCredentials
from subgraphs.users.domain.model import Profile, User, ViewingEvent, WatchlistItem
from subgraphs.users.domain.passwords import Passwords, check_password
from subgraphs.users.tokens import AccessToken, TokenIssuer

__all__ = [
    "LOGIN_ACCOUNT_LIMIT",
    "LOGIN_LIMIT",
    "REGISTER_LIMIT",
    "Limit",
    "PreferenceChanges",
    "Registration",
    "ViewingInput",
    "ViewingLog",
    "add_to_watchlist",
    "authenticate",
    "default_profile",
    "login",
    "record_viewing",
    "register",
    "remove_from_watchlist",
    "update_preferences",
    "viewing_history",
    "watchlist",
]


@dataclass(frozen=True)
class Limit:
    """At most `calls` of `action` per client in `window_seconds`."""

    action: str
    calls: int
    window_seconds: int


LOGIN_LIMIT = Limit("login", 10, 60)
# Per account as well as per address, against guessing one account's password from many
# addresses; failures only, so someone signing in on many devices is never held back.
LOGIN_ACCOUNT_LIMIT = Limit("login-account", 10, 60)
REGISTER_LIMIT = Limit("register", 5, 3600)


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    display_name: str
    home_region: str = "US"
    subscribed_platforms: Sequence[str] = ()
    preferred_genres: Sequence[str] = ()


@dataclass(frozen=True)
class PreferenceChanges:
    """None leaves a preference as it is."""

    display_name: str | None = None
    home_region: str | None = None
    subscribed_platforms: Sequence[str] | None = None
    preferred_genres: Sequence[str] | None = None


@dataclass(frozen=True)
class ViewingInput:
    title_id: uuid.UUID
    progress: float
    position_seconds: int | None = None
    rating: int | None = None
    completed: bool | None = None


def _now() -> datetime:
    return datetime.now(UTC)


async def _limit(limiter: RateLimiter, limit: Limit, client: str) -> None:
    await limiter.hit(limit.action, client, limit.calls, limit.window_seconds)


async def register(
    *,
    repo: UsersRepository,
    passwords: Passwords,
    tokens: TokenIssuer,
    outbox: Outbox,
    limiter: RateLimiter,
    client: str,
    registration: Registration,
) -> tuple[User, AccessToken]:
    """A new account with its default profile, signed in at once."""
    await _limit(limiter, REGISTER_LIMIT, client)
    user = User.new(
        email=registration.email,
        display_name=registration.display_name,
        home_region=registration.home_region,
        subscribed_platforms=registration.subscribed_platforms,
        preferred_genres=registration.preferred_genres,
        now=_now(),
    )
    check_password(registration.password)
    # Cheap check first, so a taken address costs no hashing; the unique index settles races.
    if await repo.credentials_by_email(user.email) is not None:
        raise EmailTaken()
    password_hash = await asyncio.to_thread(passwords.hash, registration.password)
    profile = Profile.default_for(user)
    await repo.add_user(user, password_hash, profile, [
        events.user_registered(user),
        events.profile_changed(profile, user.created_at, created=True),
    ])
    await publish_staged(outbox)
    return user, tokens.issue(user.id, home_region=user.home_region, profile_id=profile.id)


async def authenticate(
    *,
    repo: UsersRepository,
    passwords: Passwords,
    limiter: RateLimiter,
    client: str,
    email: str,
    password: str,
) -> User:
    """The user with this email and password; the same error for any wrong pair."""
    email = email.strip().lower()
    await _limit(limiter, LOGIN_LIMIT, client)
    account = LOGIN_ACCOUNT_LIMIT
    await limiter.check(account.action, email, account.calls)
    credentials = await repo.credentials_by_email(email)
    if credentials is None:
        await asyncio.to_thread(passwords.verify_unknown, password)
        await _limit(limiter, account, email)
        raise InvalidCredentials()
    if not await asyncio.to_thread(passwords.verify, credentials.password_hash, password):
        await _limit(limiter, account, email)
        raise InvalidCredentials()
    found = await repo.users_by_ids([credentials.user_id])
    return found[credentials.user_id]


async def default_profile(repo: UsersRepository, user_id: uuid.UUID) -> Profile | None:
    """The profile a sign-in acts as until the user switches: the first one made."""
    profiles = (await repo.profiles_by_users([user_id])).get(user_id, [])
    return profiles[0] if profiles else None


async def login(
    *,
    repo: UsersRepository,
    passwords: Passwords,
    tokens: TokenIssuer,
    limiter: RateLimiter,
    client: str,
    email: str,
    password: str,
) -> tuple[User, AccessToken]:
    """A first-party access token (every scope) for the right email and password."""
    user = await authenticate(repo=repo, passwords=passwords, limiter=limiter, client=client,
                              email=email, password=password)
    profile = await default_profile(repo, user.id)
    return user, tokens.issue(user.id, home_region=user.home_region,
                              profile_id=profile.id if profile else None)


async def update_preferences(
    repo: UsersRepository, outbox: Outbox, user_id: uuid.UUID, changes: PreferenceChanges
) -> User:
    found = await repo.users_by_ids([user_id])
    if user_id not in found:
        # Signed in with a token for an account that no longer exists.
        raise InvalidCredentials()
    user = found[user_id].with_preferences(
        display_name=changes.display_name,
        home_region=changes.home_region,
        subscribed_platforms=changes.subscribed_platforms,
        preferred_genres=changes.preferred_genres,
    )
    await repo.update_user(user, [events.user_updated(user, _now())])
    await publish_staged(outbox)
    return user


async def watchlist(
    repo: UsersRepository, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[WatchlistItem], int]:
    """Newest additions first."""
    return await repo.watchlist_page(user_id, offset, limit)


async def add_to_watchlist(
    repo: UsersRepository, outbox: Outbox, user_id: uuid.UUID, title_id: uuid.UUID,
    origin: str | None = None,
) -> WatchlistItem:
    """Idempotent: adding a title twice keeps the first addition and publishes once.

    The event commits with the addition (outbox): a Redis outage neither fails the write nor
    loses its event."""
    item = WatchlistItem(user_id, title_id, _now())
    stored, added = await repo.add_to_watchlist(
        item, [events.watchlist_changed(user_id, title_id, "added", item.added_at, origin)]
    )
    if added:
        await publish_staged(outbox)
    return stored


async def remove_from_watchlist(
    repo: UsersRepository, outbox: Outbox, user_id: uuid.UUID, title_id: uuid.UUID,
    origin: str | None = None,
) -> bool:
    """Idempotent: True when the title was on the watchlist, False when it already was not."""
    removed = await repo.remove_from_watchlist(
        user_id, title_id, [events.watchlist_changed(user_id, title_id, "removed", _now(), origin)]
    )
    if removed:
        await publish_staged(outbox)
    return removed


class ViewingLog:
    """Records viewings; ones that arrive together share one transaction and one publish
    (subgraphs/common/group_commit.py), each still stored with its event or not at all."""

    def __init__(self, repo: UsersRepository, outbox: Outbox, max_batch: int = 256) -> None:
        self._repo = repo
        self._outbox = outbox
        self.group: GroupCommit[tuple[ViewingEvent, Sequence[Event]]] = GroupCommit(
            self._commit, max_batch)

    async def record(self, event: ViewingEvent) -> None:
        # The event keeps this request's trace: the batch is staged from another task.
        staged = replace(events.viewing_recorded(event), traceparent=current_traceparent())
        await self.group.submit((event, [staged]))

    async def _commit(self, batch: Sequence[tuple[ViewingEvent, Sequence[Event]]]
                      ) -> list[BaseException | None]:
        outcomes = await self._repo.add_viewings(batch)
        if any(outcome is None for outcome in outcomes):
            await publish_staged(self._outbox)
        return outcomes


async def record_viewing(log: ViewingLog, user_id: uuid.UUID, viewing: ViewingInput
                         ) -> ViewingEvent:
    event = ViewingEvent.record(
        user_id=user_id,
        title_id=viewing.title_id,
        progress=viewing.progress,
        position_seconds=viewing.position_seconds,
        rating=viewing.rating,
        completed=viewing.completed,
        occurred_at=_now(),
    )
    await log.record(event)
    return event


async def viewing_history(
    repo: UsersRepository, user_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[ViewingEvent], int]:
    """Newest events first."""
    return await repo.viewing_page(user_id, offset, limit)

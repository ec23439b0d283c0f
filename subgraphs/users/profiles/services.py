"""Profile use cases: a household manages its profiles; a token switches to one of them.

Only a grown-up's profile manages profiles (a kid's could lift its own limits); a profile with
a PIN needs it to be switched into, and wrong PINs are limited per profile. Each change is
published as `profile.changed`, from which recommendations and content apply the limits.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from subgraphs.common.auth import Viewer
from subgraphs.common.errors import NotFound
from subgraphs.common.outbox import Outbox, publish_staged
from subgraphs.users import events
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.adapters.repository import KEEP, Keep, UsersRepository
from subgraphs.users.domain.model import Profile
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.profiles.domain import (
    MAX_PROFILES,
    LastProfile,
    ProfileDraft,
    ProfileLocked,
    TooManyProfiles,
    WrongPin,
    check_pin,
)
from subgraphs.users.services import Limit
from subgraphs.users.tokens import AccessToken, TokenIssuer

__all__ = [
    "PIN_LIMIT",
    "ProfileChanges",
    "active_profile",
    "create_profile",
    "delete_profile",
    "switch_profile",
    "update_profile",
]

# Wrong PINs per profile: 10,000 PINs take 30 years at this rate.
PIN_LIMIT = Limit("profile-pin", 5, 15 * 60)


@dataclass(frozen=True)
class ProfileChanges:
    """None leaves a setting as it is; `max_age_rating=""` lifts the limit, `pin=""` removes
    the PIN."""

    name: str | None = None
    avatar: str | None = None
    is_kid: bool | None = None
    max_age_rating: str | None = None
    blocked_genres: tuple[str, ...] | None = None
    pin: str | None = None


class ProfileNotFound(NotFound):
    def __init__(self, profile_id: uuid.UUID) -> None:
        super().__init__(f"No profile {profile_id} in your household.", field="profileId")


def _now() -> datetime:
    return datetime.now(UTC)


async def _household(repo: UsersRepository, user_id: uuid.UUID) -> list[Profile]:
    return (await repo.profiles_by_users([user_id])).get(user_id, [])


def _find(profiles: list[Profile], profile_id: uuid.UUID) -> Profile:
    for profile in profiles:
        if profile.id == profile_id:
            return profile
    raise ProfileNotFound(profile_id)


async def active_profile(repo: UsersRepository, viewer: Viewer) -> Profile | None:
    """The profile the caller's token acts as; the first one made for tokens naming none (or
    one since deleted)."""
    profiles = await _household(repo, viewer.require_user())
    for profile in profiles:
        if profile.id == viewer.profile_id:
            return profile
    return profiles[0] if profiles else None


async def _manager(repo: UsersRepository, viewer: Viewer) -> uuid.UUID:
    """The account, when the caller may manage its profiles."""
    user_id = viewer.require_scope("account")
    acting = await active_profile(repo, viewer)
    if acting is not None and acting.is_kid:
        raise ProfileLocked()
    return user_id


async def _pin_hash(passwords: Passwords, pin: str) -> str:
    return await asyncio.to_thread(passwords.hasher.hash, check_pin(pin))


async def create_profile(
    *, repo: UsersRepository, outbox: Outbox, passwords: Passwords, viewer: Viewer,
    draft: ProfileDraft, pin: str | None,
) -> Profile:
    user_id = await _manager(repo, viewer)
    pin_hash = await _pin_hash(passwords, pin) if pin else None
    profile = Profile(
        id=uuid.uuid4(), user_id=user_id, name=draft.name, is_kid=draft.is_kid,
        max_age_rating=draft.max_age_rating, blocked_genres=draft.blocked_genres,
        avatar=draft.avatar, has_pin=pin_hash is not None,
    )
    if not await repo.add_profile(profile, pin_hash, MAX_PROFILES,
                                  [events.profile_changed(profile, _now(), created=True)]):
        raise TooManyProfiles()
    await publish_staged(outbox)
    return profile


async def update_profile(
    *, repo: UsersRepository, outbox: Outbox, passwords: Passwords, viewer: Viewer,
    profile_id: uuid.UUID, changes: ProfileChanges,
) -> Profile:
    user_id = await _manager(repo, viewer)
    current = _find(await _household(repo, user_id), profile_id)
    is_kid = current.is_kid if changes.is_kid is None else changes.is_kid
    draft = ProfileDraft.of(
        name=current.name if changes.name is None else changes.name,
        avatar=current.avatar if changes.avatar is None else changes.avatar,
        is_kid=is_kid,
        max_age_rating=current.max_age_rating if changes.max_age_rating is None
        else changes.max_age_rating,
        blocked_genres=current.blocked_genres if changes.blocked_genres is None
        else changes.blocked_genres,
    )
    pin_hash: str | Keep | None = KEEP
    if changes.pin is not None:
        pin_hash = await _pin_hash(passwords, changes.pin) if changes.pin else None
    profile = replace(
        current, name=draft.name, avatar=draft.avatar, is_kid=draft.is_kid,
        max_age_rating=draft.max_age_rating, blocked_genres=draft.blocked_genres,
        has_pin=current.has_pin if isinstance(pin_hash, Keep) else pin_hash is not None,
    )
    await repo.update_profile(profile, pin_hash, [events.profile_changed(profile, _now())])
    await publish_staged(outbox)
    return profile


async def delete_profile(
    *, repo: UsersRepository, outbox: Outbox, viewer: Viewer, profile_id: uuid.UUID
) -> Profile:
    user_id = await _manager(repo, viewer)
    profile = _find(await _household(repo, user_id), profile_id)
    if not await repo.delete_profile(user_id, profile_id,
                                     [events.profile_changed(profile, _now(), deleted=True)]):
        raise LastProfile()
    await publish_staged(outbox)
    return profile


async def switch_profile(
    *, repo: UsersRepository, passwords: Passwords, tokens: TokenIssuer, limiter: RateLimiter,
    viewer: Viewer, profile_id: uuid.UUID, pin: str | None,
) -> tuple[Profile, AccessToken]:
    """A token like the caller's (same scopes, never more) that acts as `profile_id`."""
    user_id = viewer.require_scope("profile")
    profile = _find(await _household(repo, user_id), profile_id)
    if profile.has_pin and profile.id != viewer.profile_id:
        key = str(profile.id)
        await limiter.check(PIN_LIMIT.action, key, PIN_LIMIT.calls)
        stored = await repo.profile_pin_hash(profile.id)
        given = pin or ""
        if stored is None or not await asyncio.to_thread(passwords.verify, stored, given):
            await limiter.hit(PIN_LIMIT.action, key, PIN_LIMIT.calls, PIN_LIMIT.window_seconds)
            raise WrongPin()
    token = tokens.issue(user_id, scopes=sorted(viewer.scopes), home_region=viewer.home_region,
                         profile_id=profile.id)
    return profile, token

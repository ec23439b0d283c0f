"""Account and profile writes stage their events in the outbox with the write: with Redis away
the write is still done and reported done, and its events wait in the outbox for the relay;
a refused write stages nothing."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from redis.exceptions import ConnectionError as RedisConnectionError
from tortoise.exceptions import IntegrityError

from subgraphs.common.auth import Viewer
from subgraphs.common.errors import DomainError
from subgraphs.common.outbox import OutboxEvent
from subgraphs.users import services
from subgraphs.users.adapters import keys as key_store
from subgraphs.users.adapters.repository import TortoiseUsersRepository
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.oauth.adapters.families import FamilyStore
from subgraphs.users.oauth.domain import Client
from subgraphs.users.oauth.events import device_signed_in
from subgraphs.users.profiles import services as profiles
from subgraphs.users.profiles.domain import ProfileDraft
from subgraphs.users.profiles.services import ProfileChanges
from subgraphs.users.tokens import TokenIssuer


class RedisAway:
    """The outbox's immediate send, while Redis is down."""

    flushes = 0

    async def flush(self) -> int:
        self.flushes += 1
        raise RedisConnectionError("Connection refused")


class NoLimits:
    async def hit(self, action: str, client: str, limit: int, window_seconds: int) -> None:
        return None

    async def check(self, action: str, client: str, limit: int) -> None:
        return None


async def _staged() -> list[tuple[str, dict]]:
    return [(row.type, row.event().payload) for row in await OutboxEvent.all().order_by("seq")]


async def test_account_and_profile_writes_are_done_with_redis_away(database: str) -> None:
    repo, outbox = TortoiseUsersRepository(), RedisAway()
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    tokens = TokenIssuer(await key_store.ensure_signing_key())
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    await OutboxEvent.all().delete()

    user, _ = await services.register(
        repo=repo, passwords=passwords, tokens=tokens, outbox=outbox, limiter=NoLimits(),
        client="test", registration=services.Registration(email, "a-password-0", "Ada"))
    staged = await _staged()
    assert [kind for kind, _ in staged] == ["user.registered", "profile.changed"]
    assert staged[0][1]["user_id"] == str(user.id)

    # Refused: the address is taken; nothing more is staged.
    with pytest.raises(DomainError):
        await services.register(
            repo=repo, passwords=passwords, tokens=tokens, outbox=outbox, limiter=NoLimits(),
            client="test", registration=services.Registration(email, "a-password-0", "Bob"))
    assert len(await _staged()) == 2

    await services.update_preferences(repo, outbox, user.id,
                                      services.PreferenceChanges(home_region="DE"))
    viewer = Viewer(user_id=user.id, scopes=frozenset({"profile", "account"}))
    kid = await profiles.create_profile(
        repo=repo, outbox=outbox, passwords=passwords, viewer=viewer,
        draft=ProfileDraft.of(name="Kid", avatar="kid-cat", is_kid=True, max_age_rating="7",
                              blocked_genres=()), pin=None)
    await profiles.update_profile(repo=repo, outbox=outbox, passwords=passwords, viewer=viewer,
                                  profile_id=kid.id, changes=ProfileChanges(name="Kiddo"))
    await profiles.delete_profile(repo=repo, outbox=outbox, viewer=viewer, profile_id=kid.id)
    staged = await _staged()
    assert [kind for kind, _ in staged[2:]] == ["user.updated", *["profile.changed"] * 3]
    assert staged[2][1]["home_region"] == "DE"
    assert [p["name"] for _, p in staged[3:]] == ["Kid", "Kiddo", "Kiddo"]
    assert staged[-1][1]["deleted"] is True

    # The last profile cannot go: refused, nothing staged.
    default = (await repo.profiles_by_users([user.id]))[user.id][0]
    with pytest.raises(DomainError):
        await profiles.delete_profile(repo=repo, outbox=outbox, viewer=viewer,
                                      profile_id=default.id)
    assert len(await _staged()) == len(staged)
    assert outbox.flushes == 5  # one try at once after each of the five writes done


async def test_a_device_sign_in_is_staged_with_its_refresh_token(database: str) -> None:
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    user, _ = await services.register(
        repo=TortoiseUsersRepository(), passwords=passwords,
        tokens=TokenIssuer(await key_store.ensure_signing_key()), outbox=RedisAway(),
        limiter=NoLimits(), client="test", registration=services.Registration(
            f"tv-{uuid.uuid4().hex[:8]}@example.com", "a-password-0", "Tv"))
    families, user_id = FamilyStore(), user.id
    await OutboxEvent.all().delete()

    def add(token: str, event_id: str) -> Any:
        family = uuid.uuid4()
        # The real event, with an id of the test's so the one staged can be told apart.
        event = dataclasses.replace(device_signed_in(user_id, Client("tv", "TV"), family),
                                    id=event_id)
        return families.add_token(
            token, family, user_id=user_id, client_id="tv", scope="profile",
            profile_id=None, access_jti=uuid.uuid4().hex,
            access_expires_at=datetime.now(UTC) + timedelta(hours=1), events=[event])

    await add("refresh-1", "first")
    # The same refresh token again is refused by the database: its event must go with it.
    with pytest.raises(IntegrityError):
        await add("refresh-1", "second")
    assert [(row.type, row.event_id) for row in await OutboxEvent.all()] == [
        ("device.signed_in", "first")]

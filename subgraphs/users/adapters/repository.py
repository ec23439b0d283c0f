"""Accounts, watchlists and history: a Protocol the services use and its Tortoise implementation."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from subgraphs.common.events import Event
from subgraphs.common.outbox import stage
from subgraphs.users.adapters.orm import (
    ProfileRow,
    RefreshFamilyRow,
    RefreshTokenRow,
    UserRow,
    ViewingEventRow,
    WatchlistItemRow,
)
from subgraphs.users.adapters.rows import (
    profile_from_row,
    profile_to_row,
    user_from_row,
    user_to_row,
    viewing_from_row,
    viewing_to_row,
    watchlist_from_row,
)
from subgraphs.users.domain.errors import EmailTaken
from subgraphs.users.domain.model import (
    Credentials,
    Profile,
    TitleViewing,
    User,
    ViewingEvent,
    WatchlistItem,
)

__all__ = ["KEEP", "Keep", "TitleKey", "TortoiseUsersRepository", "UsersRepository"]

class Keep:
    """Leave a stored value as it is (where None means "clear it")."""


KEEP = Keep()

# (user id, title id): what the viewer-state loaders are keyed by.
TitleKey = tuple[uuid.UUID, uuid.UUID]


class UsersRepository(Protocol):
    async def users_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]: ...

    async def credentials_by_email(self, email: str) -> Credentials | None: ...

    async def add_user(self, user: User, password_hash: str, profile: Profile,
                       events: Sequence[Event] = ()) -> None: ...

    async def update_user(self, user: User, events: Sequence[Event] = ()) -> None: ...

    async def set_password_hash(self, user_id: uuid.UUID, password_hash: str) -> None: ...

    async def mark_email_verified(self, user_id: uuid.UUID, at: datetime) -> bool:
        """False when the account is gone."""
        ...

    async def delete_user(self, user_id: uuid.UUID, events: Sequence[Event]) -> bool: ...

    async def profiles_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Profile]]: ...

    async def add_profile(self, profile: Profile, pin_hash: str | None, limit: int,
                          events: Sequence[Event] = ()) -> bool: ...

    async def update_profile(self, profile: Profile, pin_hash: str | Keep | None,
                             events: Sequence[Event] = ()) -> None: ...

    async def delete_profile(self, user_id: uuid.UUID, profile_id: uuid.UUID,
                             events: Sequence[Event] = ()) -> bool: ...

    async def profile_pin_hash(self, profile_id: uuid.UUID) -> str | None: ...

    async def watchlist_page(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[WatchlistItem], int]: ...

    async def watchlist_state(self, keys: Sequence[TitleKey]) -> dict[TitleKey, WatchlistItem]: ...

    async def add_to_watchlist(
        self, item: WatchlistItem, events: Sequence[Event] = ()
    ) -> tuple[WatchlistItem, bool]:
        """The item as stored and whether this call added it; `events` are staged in the
        outbox in the same transaction, only when it did."""
        ...

    async def remove_from_watchlist(
        self, user_id: uuid.UUID, title_id: uuid.UUID, events: Sequence[Event] = ()
    ) -> bool:
        """Whether it was there; `events` staged with the removal, only when it was."""
        ...

    async def add_viewing(self, event: ViewingEvent, events: Sequence[Event] = ()) -> None:
        """IntegrityError when the viewing is recorded already; `events` staged with it."""
        ...

    async def add_viewings(
        self, batch: Sequence[tuple[ViewingEvent, Sequence[Event]]]
    ) -> list[BaseException | None]:
        """Each viewing with its events, all in one transaction when they all can be; per
        viewing, None when stored or what storing it alone raised (the others still are)."""
        ...

    async def viewing_page(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[ViewingEvent], int]: ...

    async def latest_viewing(self, keys: Sequence[TitleKey]) -> dict[TitleKey, TitleViewing]: ...


def _split(keys: Sequence[TitleKey]) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    return list({user for user, _ in keys}), list({title for _, title in keys})


class TortoiseUsersRepository:
    """Reads are one query (or one per table) however many keys; writes are one transaction."""

    async def users_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
        rows = await UserRow.filter(id__in=list(set(ids)))
        return {row.id: user_from_row(row) for row in rows}

    async def credentials_by_email(self, email: str) -> Credentials | None:
        row = await UserRow.filter(email=email).only("id", "password_hash").first()
        return None if row is None else Credentials(row.id, row.password_hash)

    async def add_user(self, user: User, password_hash: str, profile: Profile,
                       events: Sequence[Event] = ()) -> None:
        """The account, its first profile and `events` (staged in the outbox) commit together."""
        try:
            async with in_transaction() as connection:
                await user_to_row(user, password_hash).save(using_db=connection,
                                                            force_create=True)
                await profile_to_row(profile).save(using_db=connection, force_create=True)
                await stage(events, connection)
        except IntegrityError:
            # The unique email decides races between two sign-ups with the same address.
            raise EmailTaken() from None

    async def update_user(self, user: User, events: Sequence[Event] = ()) -> None:
        async with in_transaction() as connection:
            await UserRow.filter(id=user.id).using_db(connection).update(
                display_name=user.display_name,
                home_region=user.home_region,
                subscribed_platforms=list(user.subscribed_platforms),
                preferred_genres=list(user.preferred_genres),
            )
            await stage(events, connection)

    async def set_password_hash(self, user_id: uuid.UUID, password_hash: str) -> None:
        await UserRow.filter(id=user_id).update(password_hash=password_hash)

    async def mark_email_verified(self, user_id: uuid.UUID, at: datetime) -> bool:
        return bool(await UserRow.filter(id=user_id).update(email_verified_at=at))

    async def delete_user(self, user_id: uuid.UUID, events: Sequence[Event]) -> bool:
        """Every row of the user, and `events` staged in the outbox, in one transaction: the
        deletion and its announcement commit together. False when there was no such user."""
        async with in_transaction() as connection:
            if not await UserRow.filter(id=user_id).using_db(connection).exists():
                return False
            families = RefreshFamilyRow.filter(user_id=user_id).using_db(connection)
            family_ids = await families.values_list("id", flat=True)
            await RefreshTokenRow.filter(family_id__in=list(family_ids)).using_db(
                connection).delete()
            await families.delete()
            for row in (ProfileRow, WatchlistItemRow, ViewingEventRow):
                await row.filter(user_id=user_id).using_db(connection).delete()
            await UserRow.filter(id=user_id).using_db(connection).delete()
            await stage(events, connection)
        return True

    async def profiles_by_users(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Profile]]:
        rows = await ProfileRow.filter(user_id__in=list(set(ids))).order_by(
            "created_at", "name", "id")
        found: dict[uuid.UUID, list[Profile]] = defaultdict(list)
        for row in rows:
            found[row.user_id].append(profile_from_row(row))  # type: ignore[attr-defined]
        return found

    async def add_profile(self, profile: Profile, pin_hash: str | None, limit: int,
                          events: Sequence[Event] = ()) -> bool:
        """Store the profile unless the household already has `limit`; False when it has.
        The count and the insert share a transaction that locks the account's row, so two
        households' screens racing cannot both pass the limit."""
        async with in_transaction() as connection:
            await UserRow.filter(id=profile.user_id).using_db(connection).select_for_update()
            count = await ProfileRow.filter(user_id=profile.user_id).using_db(connection).count()
            if count >= limit:
                return False
            await profile_to_row(profile, pin_hash).save(using_db=connection, force_create=True)
            await stage(events, connection)
            return True

    async def update_profile(self, profile: Profile, pin_hash: str | Keep | None,
                             events: Sequence[Event] = ()) -> None:
        changes: dict[str, object] = {
            "name": profile.name, "is_kid": profile.is_kid, "avatar": profile.avatar,
            "max_age_rating": profile.max_age_rating,
            "blocked_genres": list(profile.blocked_genres),
        }
        if not isinstance(pin_hash, Keep):
            changes["pin_hash"] = pin_hash
        async with in_transaction() as connection:
            await ProfileRow.filter(id=profile.id, user_id=profile.user_id).using_db(
                connection).update(**changes)
            await stage(events, connection)

    async def delete_profile(self, user_id: uuid.UUID, profile_id: uuid.UUID,
                             events: Sequence[Event] = ()) -> bool:
        """Delete unless it is the account's last profile; False when it was (or is gone)."""
        async with in_transaction() as connection:
            await UserRow.filter(id=user_id).using_db(connection).select_for_update()
            count = await ProfileRow.filter(user_id=user_id).using_db(connection).count()
            if count <= 1:
                return False
            deleted = await ProfileRow.filter(id=profile_id, user_id=user_id).using_db(
                connection).delete()
            if deleted:
                await stage(events, connection)
            return bool(deleted)

    async def profile_pin_hash(self, profile_id: uuid.UUID) -> str | None:
        row = await ProfileRow.filter(id=profile_id).only("id", "pin_hash").first()
        return None if row is None else row.pin_hash

    async def watchlist_page(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[WatchlistItem], int]:
        query = WatchlistItemRow.filter(user_id=user_id)
        total = await query.count()
        rows = await query.order_by("-added_at", "-id").offset(offset).limit(limit)
        return [watchlist_from_row(row) for row in rows], total

    async def watchlist_state(self, keys: Sequence[TitleKey]) -> dict[TitleKey, WatchlistItem]:
        users, titles = _split(keys)
        rows = await WatchlistItemRow.filter(user_id__in=users, title_id__in=titles)
        return {(row.user_id, row.title_id): watchlist_from_row(row) for row in rows}  # type: ignore[attr-defined]

    async def add_to_watchlist(
        self, item: WatchlistItem, events: Sequence[Event] = ()
    ) -> tuple[WatchlistItem, bool]:
        try:
            async with in_transaction() as connection:
                await WatchlistItemRow.create(
                    user_id=item.user_id, title_id=item.title_id, added_at=item.added_at,
                    using_db=connection,
                )
                await stage(events, connection)
            return item, True
        except IntegrityError:
            row = await WatchlistItemRow.get(user_id=item.user_id, title_id=item.title_id)
            return watchlist_from_row(row), False

    async def remove_from_watchlist(
        self, user_id: uuid.UUID, title_id: uuid.UUID, events: Sequence[Event] = ()
    ) -> bool:
        async with in_transaction() as connection:
            deleted = await WatchlistItemRow.filter(user_id=user_id, title_id=title_id).using_db(
                connection).delete()
            if deleted:
                await stage(events, connection)
        return deleted > 0

    async def add_viewing(self, event: ViewingEvent, events: Sequence[Event] = ()) -> None:
        async with in_transaction() as connection:
            await viewing_to_row(event).save(force_create=True, using_db=connection)
            await stage(events, connection)

    async def add_viewings(
        self, batch: Sequence[tuple[ViewingEvent, Sequence[Event]]]
    ) -> list[BaseException | None]:
        if len(batch) > 1:
            try:
                async with in_transaction() as connection:
                    await ViewingEventRow.bulk_create(
                        [viewing_to_row(event) for event, _ in batch], using_db=connection)
                    await stage([e for _, staged in batch for e in staged], connection)
                return [None] * len(batch)
            except (IntegrityError, OperationalError):
                pass  # one of them cannot be stored (a deleted user, a repeat): find which
        outcomes: list[BaseException | None] = []
        for event, staged in batch:
            try:
                await self.add_viewing(event, staged)
                outcomes.append(None)
            except (IntegrityError, OperationalError) as error:
                outcomes.append(error)
        return outcomes

    async def viewing_page(
        self, user_id: uuid.UUID, offset: int, limit: int
    ) -> tuple[list[ViewingEvent], int]:
        query = ViewingEventRow.filter(user_id=user_id)
        total = await query.count()
        rows = await query.order_by("-occurred_at", "-id").offset(offset).limit(limit)
        return [viewing_from_row(row) for row in rows], total

    async def latest_viewing(self, keys: Sequence[TitleKey]) -> dict[TitleKey, TitleViewing]:
        """Per key, the newest event's progress and the newest rating given, in one query."""
        users, titles = _split(keys)
        rows = (
            await ViewingEventRow.filter(user_id__in=users, title_id__in=titles)
            .order_by("occurred_at", "id")
            .values("user_id", "title_id", "progress", "rating", "occurred_at")
        )
        found: dict[TitleKey, TitleViewing] = {}
        for row in rows:  # oldest first, so later rows overwrite
            key = (row["user_id"], row["title_id"])
            earlier = found.get(key)
            rating = row["rating"] if row["rating"] is not None else (
                earlier.rating if earlier else None
            )
            found[key] = TitleViewing(
                progress=row["progress"], last_watched_at=row["occurred_at"], rating=rating
            )
        return found

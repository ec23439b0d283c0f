"""GraphQL types of the users subgraph and their mapping from domain objects.

Everything about a user except its `id` is private: each such field checks that the caller is
that user, so an entity reference (from another subgraph) resolves for anyone while its data
shows only to its owner.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.data_export import EXPORT_SCOPE
from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.users import services
from subgraphs.users.account.types import DataExport
from subgraphs.users.context import Context
from subgraphs.users.domain import model
from subgraphs.users.profiles import services as profiles
from subgraphs.users.profiles.types import Profile
from subgraphs.users.tokens import AccessToken

__all__ = [
    "AuthPayload",
    "Profile",
    "Title",
    "User",
    "ViewerTitleState",
    "ViewingEvent",
    "WatchlistItem",
]


@strawberry.type
class ViewerTitleState:
    in_watchlist: bool
    progress: float | None = strawberry.field(description="Of the latest viewing, 0 to 1.")
    rating: int | None = strawberry.field(description="The latest rating given, 1 to 5.")
    last_watched_at: datetime | None


@strawberry.federation.type(keys=["id"])
class Title:
    """A title of the content subgraph, extended with what the signed-in viewer did with it."""

    id: strawberry.ID

    @classmethod
    def from_id(cls, title_id: object) -> Title:
        return cls(id=strawberry.ID(str(title_id)))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Title:
        return cls.from_id(parse_id(id, "title id"))

    @strawberry.field(description="The signed-in viewer's state; null when anonymous.")
    async def viewer_state(self, info: Info[Context, None]) -> ViewerTitleState | None:
        viewer = info.context.viewer
        if not viewer.is_authenticated:
            return None
        viewer.require_scope("read:watchlist")
        key = (viewer.require_scope("read:history"), parse_id(self.id, "title id"))
        loaders = info.context.loaders
        item, viewing = await asyncio.gather(
            loaders.watchlist_state.load(key), loaders.latest_viewing.load(key)
        )
        return ViewerTitleState(
            in_watchlist=item is not None,
            progress=viewing.progress if viewing else None,
            rating=viewing.rating if viewing else None,
            last_watched_at=viewing.last_watched_at if viewing else None,
        )


@strawberry.type
class WatchlistItem:
    title: Title
    added_at: datetime

    @classmethod
    def from_domain(cls, item: model.WatchlistItem) -> WatchlistItem:
        return cls(title=Title.from_id(item.title_id), added_at=item.added_at)


@strawberry.type
class ViewingEvent:
    id: strawberry.ID
    title: Title
    progress: float
    position_seconds: int | None
    completed: bool
    rating: int | None
    occurred_at: datetime

    @classmethod
    def from_domain(cls, event: model.ViewingEvent) -> ViewingEvent:
        return cls(
            id=strawberry.ID(str(event.id)),
            title=Title.from_id(event.title_id),
            progress=event.progress,
            position_seconds=event.position_seconds,
            completed=event.completed,
            rating=event.rating,
            occurred_at=event.occurred_at,
        )


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    account: strawberry.Private[model.User]
    # Set on the user a sign-in just issued a token for: the request itself is still anonymous.
    issued_to_caller: strawberry.Private[bool] = False

    @classmethod
    def from_domain(cls, user: model.User, issued_to_caller: bool = False) -> User:
        return cls(id=strawberry.ID(str(user.id)), account=user, issued_to_caller=issued_to_caller)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> User | None:
        user = await info.context.loaders.user.load(parse_id(id, "user id"))
        return None if user is None else cls.from_domain(user)

    def _own(self, info: Info[Context, None], scope: str | None = None) -> model.User:
        """The account, when the caller may see it: UNAUTHENTICATED or FORBIDDEN otherwise."""
        if not self.issued_to_caller:
            info.context.viewer.require_self(self.account.id)
            if scope is not None:
                info.context.viewer.require_scope(scope)
        return self.account

    @strawberry.field
    def email(self, info: Info[Context, None]) -> str:
        return self._own(info).email

    @strawberry.field(description="Whether the owner proved they read `email` "
                      "(`requestEmailVerification`).")
    def email_verified(self, info: Info[Context, None]) -> bool:
        return self._own(info).email_verified_at is not None

    @strawberry.field
    def email_verified_at(self, info: Info[Context, None]) -> datetime | None:
        return self._own(info).email_verified_at

    @strawberry.field
    def display_name(self, info: Info[Context, None]) -> str:
        return self._own(info).display_name

    @strawberry.field(description="ISO 3166-1 alpha-2.")
    def home_region(self, info: Info[Context, None]) -> str:
        return self._own(info).home_region

    @strawberry.field(description="Platform slugs such as `netflix`.")
    def subscribed_platforms(self, info: Info[Context, None]) -> list[str]:
        return list(self._own(info).subscribed_platforms)

    @strawberry.field(description="Genre slugs such as `science-fiction`.")
    def preferred_genres(self, info: Info[Context, None]) -> list[str]:
        return list(self._own(info).preferred_genres)

    @strawberry.field
    def created_at(self, info: Info[Context, None]) -> datetime:
        return self._own(info).created_at

    @strawberry.field
    async def profiles(self, info: Info[Context, None]) -> list[Profile]:
        account = self._own(info)
        profiles = await info.context.loaders.profiles.load(account.id)
        return [Profile.from_domain(profile) for profile in profiles or []]

    @strawberry.field(description="Everything we hold about you, from every subgraph (GDPR).")
    def data_export(self, info: Info[Context, None]) -> DataExport:
        self._own(info, EXPORT_SCOPE)
        return DataExport(id=self.id)

    @strawberry.field(description="The profile your token acts as (switchProfile changes it).")
    async def active_profile(self, info: Info[Context, None]) -> Profile | None:
        self._own(info)
        profile = await profiles.active_profile(info.context.repo, info.context.viewer)
        return None if profile is None else Profile.from_domain(profile)

    @strawberry.field(description="Newest additions first.")
    async def watchlist(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[WatchlistItem]:
        account = self._own(info, "read:watchlist")
        page = PageRequest.from_args(first, after)
        items, total = await services.watchlist(
            info.context.repo, account.id, page.offset, page.limit
        )
        return Connection[WatchlistItem].build(items, page, total, WatchlistItem.from_domain)

    @strawberry.field(description="Newest events first.")
    async def viewing_history(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[ViewingEvent]:
        account = self._own(info, "read:history")
        page = PageRequest.from_args(first, after)
        events, total = await services.viewing_history(
            info.context.repo, account.id, page.offset, page.limit
        )
        return Connection[ViewingEvent].build(events, page, total, ViewingEvent.from_domain)


@strawberry.type
class AuthPayload:
    access_token: str
    token_type: str = strawberry.field(description="Always `Bearer`.")
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User

    @classmethod
    def issued(cls, user: model.User, token: AccessToken) -> AuthPayload:
        return cls(
            access_token=token.token,
            token_type=token.token_type,
            expires_in=token.expires_in,
            user=User.from_domain(user, issued_to_caller=True),
        )

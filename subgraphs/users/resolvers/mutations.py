"""Mutation root: parse inputs, check who is asking, call a service, map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.users import services
from subgraphs.users.account import services as account
from subgraphs.users.account.resolvers import AccountMutation
from subgraphs.users.catalog import require_title
from subgraphs.users.context import Context
from subgraphs.users.oauth.resolvers import DeviceMutation
from subgraphs.users.profiles.resolvers import ProfileMutation
from subgraphs.users.types import AuthPayload, User, ViewingEvent, WatchlistItem

__all__ = ["Mutation", "RecordViewingInput", "RegisterInput", "UpdatePreferencesInput"]


@strawberry.input
class RegisterInput:
    email: str
    password: str = strawberry.field(description="At least 10 characters.")
    display_name: str
    home_region: str = "US"
    subscribed_platforms: list[str] = strawberry.field(default_factory=list)
    preferred_genres: list[str] = strawberry.field(default_factory=list)

    def to_domain(self) -> services.Registration:
        return services.Registration(
            email=self.email,
            password=self.password,
            display_name=self.display_name,
            home_region=self.home_region,
            subscribed_platforms=tuple(self.subscribed_platforms),
            preferred_genres=tuple(self.preferred_genres),
        )


@strawberry.input(description="Null or absent fields stay as they are.")
class UpdatePreferencesInput:
    display_name: str | None = None
    home_region: str | None = None
    subscribed_platforms: list[str] | None = None
    preferred_genres: list[str] | None = None

    def to_domain(self) -> services.PreferenceChanges:
        return services.PreferenceChanges(
            display_name=self.display_name,
            home_region=self.home_region,
            subscribed_platforms=self.subscribed_platforms,
            preferred_genres=self.preferred_genres,
        )


@strawberry.input
class RecordViewingInput:
    title_id: strawberry.ID
    progress: float = strawberry.field(description="Fraction watched, 0 to 1.")
    position_seconds: int | None = None
    rating: int | None = strawberry.field(default=None, description="1 to 5.")
    completed: bool | None = strawberry.field(
        default=None, description="Say so explicitly; otherwise completed from 95 % progress."
    )

    def to_domain(self) -> services.ViewingInput:
        return services.ViewingInput(
            title_id=parse_id(self.title_id, "title id"),
            progress=self.progress,
            position_seconds=self.position_seconds,
            rating=self.rating,
            completed=self.completed,
        )


@strawberry.type
class Mutation(AccountMutation, DeviceMutation, ProfileMutation):
    @strawberry.mutation(description="Create an account and sign in.")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> AuthPayload:
        context = info.context
        user, token = await services.register(
            repo=context.repo,
            passwords=context.passwords,
            tokens=context.tokens,
            outbox=context.outbox,
            limiter=context.limiter,
            client=context.client_ip,
            registration=input.to_domain(),
        )
        account.send_verification_mail_later(context.verification, context.mailer,
                                              context.public_url, user)
        return AuthPayload.issued(user, token)

    @strawberry.mutation(description="Sign in with email and password.")
    async def login(self, info: Info[Context, None], email: str, password: str) -> AuthPayload:
        context = info.context
        user, token = await services.login(
            repo=context.repo,
            passwords=context.passwords,
            tokens=context.tokens,
            limiter=context.limiter,
            client=context.client_ip,
            email=email,
            password=password,
        )
        return AuthPayload.issued(user, token)

    @strawberry.mutation(description="Idempotent: adding a title already there changes nothing.")
    async def add_to_watchlist(
        self, info: Info[Context, None], title_id: strawberry.ID
    ) -> WatchlistItem:
        user_id = info.context.viewer.require_scope("write:watchlist")
        title = parse_id(title_id, "title id")
        await require_title(info.context.catalog, title)
        item = await services.add_to_watchlist(info.context.repo, info.context.outbox, user_id,
                                                title)
        return WatchlistItem.from_domain(item)

    @strawberry.mutation(description="True when the title was on the watchlist.")
    async def remove_from_watchlist(
        self, info: Info[Context, None], title_id: strawberry.ID
    ) -> bool:
        user_id = info.context.viewer.require_scope("write:watchlist")
        return await services.remove_from_watchlist(
            info.context.repo, info.context.outbox, user_id, parse_id(title_id, "title id")
        )

    @strawberry.mutation
    async def record_viewing(
        self, info: Info[Context, None], input: RecordViewingInput
    ) -> ViewingEvent:
        user_id = info.context.viewer.require_scope("write:history")
        viewing = input.to_domain()
        await require_title(info.context.catalog, viewing.title_id)
        event = await services.record_viewing(info.context.viewings, user_id, viewing)
        return ViewingEvent.from_domain(event)

    @strawberry.mutation
    async def update_preferences(
        self, info: Info[Context, None], input: UpdatePreferencesInput
    ) -> User:
        user_id = info.context.viewer.require_user()
        user = await services.update_preferences(
            info.context.repo, info.context.outbox, user_id, input.to_domain()
        )
        return User.from_domain(user)

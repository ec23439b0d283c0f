"""Profile mutations, mixed into the users subgraph's Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.users.context import Context
from subgraphs.users.profiles import services
from subgraphs.users.profiles.types import (
    CreateProfileInput,
    DeleteProfilePayload,
    Profile,
    ProfilePayload,
    SwitchProfilePayload,
    UpdateProfileInput,
)

__all__ = ["ProfileMutation"]


@strawberry.type
class ProfileMutation:
    @strawberry.mutation(description="Add a profile to your household (at most 5). Needs a "
                         "first-party sign-in acting as a grown-up's profile.")
    async def create_profile(
        self, info: Info[Context, None], input: CreateProfileInput
    ) -> ProfilePayload:
        context = info.context
        profile = await services.create_profile(
            repo=context.repo, outbox=context.outbox, passwords=context.passwords,
            viewer=context.viewer, draft=input.to_domain(), pin=input.pin,
        )
        return ProfilePayload(profile=Profile.from_domain(profile))

    @strawberry.mutation(description="Change one of your household's profiles.")
    async def update_profile(
        self, info: Info[Context, None], input: UpdateProfileInput
    ) -> ProfilePayload:
        context = info.context
        profile = await services.update_profile(
            repo=context.repo, outbox=context.outbox, passwords=context.passwords,
            viewer=context.viewer, profile_id=parse_id(input.profile_id, "profile id"),
            changes=input.to_domain(),
        )
        return ProfilePayload(profile=Profile.from_domain(profile))

    @strawberry.mutation(description="Delete a profile (never the last one).")
    async def delete_profile(
        self, info: Info[Context, None], profile_id: strawberry.ID
    ) -> DeleteProfilePayload:
        context = info.context
        profile = await services.delete_profile(
            repo=context.repo, outbox=context.outbox, viewer=context.viewer,
            profile_id=parse_id(profile_id, "profile id"),
        )
        return DeleteProfilePayload(deleted_profile_id=strawberry.ID(str(profile.id)))

    @strawberry.mutation(description="A new access token acting as this profile of your "
                         "household (its PIN when it has one); the scopes stay those you have.")
    async def switch_profile(
        self, info: Info[Context, None], profile_id: strawberry.ID, pin: str | None = None
    ) -> SwitchProfilePayload:
        context = info.context
        profile, token = await services.switch_profile(
            repo=context.repo, passwords=context.passwords, tokens=context.tokens,
            limiter=context.limiter, viewer=context.viewer,
            profile_id=parse_id(profile_id, "profile id"), pin=pin,
        )
        return SwitchProfilePayload(
            access_token=token.token, token_type=token.token_type,
            expires_in=token.expires_in, profile=Profile.from_domain(profile),
        )

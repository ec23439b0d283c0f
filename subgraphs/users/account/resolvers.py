"""Account mutations, mixed into the users subgraph's Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.users.account import services
from subgraphs.users.account.types import ChangePasswordInput, ChangePasswordPayload
from subgraphs.users.context import Context

__all__ = ["AccountMutation"]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Set a new password (the current one confirms it). Signs "
                         "out every session, this one's token included: use the one returned.")
    async def change_password(
        self, info: Info[Context, None], input: ChangePasswordInput
    ) -> ChangePasswordPayload:
        context = info.context
        change = await services.change_password(
            repo=context.repo, passwords=context.passwords, limiter=context.limiter,
            tokens=context.tokens, families=context.families, state=context.oauth_state,
            viewer=context.viewer, current=input.current_password, new=input.new_password,
        )
        return ChangePasswordPayload(
            access_token=change.token.token, token_type=change.token.token_type,
            expires_in=change.token.expires_in, signed_out_sessions=change.signed_out)

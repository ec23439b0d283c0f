"""Account mutations, mixed into the users subgraph's Mutation root."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from subgraphs.users.account import services
from subgraphs.users.account.types import (
    AccountDeletion,
    ChangePasswordInput,
    ChangePasswordPayload,
    DeleteAccountInput,
    DeleteAccountPayload,
    EmailVerificationSent,
    EmailVerified,
)
from subgraphs.users.context import Context

__all__ = ["AccountMutation", "AccountQuery"]


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

    @strawberry.mutation(description="Mail yourself a link (and code) that verifies your email "
                         "address; 5 an hour. CONFLICT once it is verified.")
    async def request_email_verification(
        self, info: Info[Context, None]
    ) -> EmailVerificationSent:
        context = info.context
        sent_to = await services.request_email_verification(
            repo=context.repo, limiter=context.limiter, tokens=context.verification,
            mailer=context.mailer, public_url=context.public_url, viewer=context.viewer,
        )
        return EmailVerificationSent(sent_to=sent_to)

    @strawberry.mutation(description="Verify an email address with the code from its mail "
                         "(no sign-in needed; each code works once, for 24 hours).")
    async def verify_email(self, info: Info[Context, None], token: str) -> EmailVerified:
        at = await services.verify_email(repo=info.context.repo,
                                         tokens=info.context.verification, token=token,
                                         now=datetime.now(UTC))
        return EmailVerified(verified_at=at)

    @strawberry.mutation(description="Delete your account and every piece of your data, in "
                         "every subgraph (your password confirms). Signs out everywhere.")
    async def delete_account(
        self, info: Info[Context, None], input: DeleteAccountInput
    ) -> DeleteAccountPayload:
        context = info.context
        deletion = await services.delete_account(
            repo=context.repo, passwords=context.passwords, limiter=context.limiter,
            tokens=context.tokens, state=context.oauth_state, relay=context.outbox,
            tracker=context.deletions, viewer=context.viewer, password=input.password,
        )
        return DeleteAccountPayload(receipt=deletion.receipt,
                                    deletion=AccountDeletion.from_domain(deletion.progress))


@strawberry.type
class AccountQuery:
    @strawberry.field(description="How the account deletion with this receipt goes; null for an "
                      "unknown receipt.")
    async def account_deletion(
        self, info: Info[Context, None], receipt: str
    ) -> AccountDeletion | None:
        progress = await services.deletion_progress(info.context.deletions, receipt[:200])
        return None if progress is None else AccountDeletion.from_domain(progress)

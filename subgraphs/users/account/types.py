"""GraphQL types of the account mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from subgraphs.common.data_export import EXPORT_DESCRIPTION, may_export
from subgraphs.users.account.deletions import DeletionProgress
from subgraphs.users.account.export import export_user

__all__ = ["AccountDeletion", "ChangePasswordInput", "ChangePasswordPayload", "DataExport",
           "DeleteAccountInput", "DeleteAccountPayload", "EmailVerificationSent",
           "EmailVerified"]


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str = strawberry.field(description="10 to 128 characters.")


@strawberry.type
class ChangePasswordPayload:
    access_token: str = strawberry.field(
        description="A new access token for this session: every other sign-in has ended, and "
                    "the token the change was made with stops working too.")
    token_type: str = strawberry.field(description="Always `Bearer`.")
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    signed_out_sessions: int = strawberry.field(
        description="How many other sessions (refresh tokens) were ended.")


@strawberry.input
class DeleteAccountInput:
    password: str = strawberry.field(description="Your password, to confirm.")


@strawberry.type(description="How an account deletion goes: each subgraph erases its part of "
                             "the user's data and confirms.")
class AccountDeletion:
    requested_at: str
    erased_in: list[str] = strawberry.field(description="Subgraphs that have confirmed.")
    pending_in: list[str] = strawberry.field(description="Subgraphs still to confirm.")
    complete: bool = strawberry.field(description="Every subgraph has erased the user.")

    @classmethod
    def from_domain(cls, progress: DeletionProgress) -> AccountDeletion:
        return cls(requested_at=progress.requested_at, erased_in=list(progress.erased_in),
                   pending_in=list(progress.pending_in), complete=progress.complete)


@strawberry.type
class DeleteAccountPayload:
    receipt: str = strawberry.field(
        description="Shown once: ask `accountDeletion(receipt)` how the deletion goes (you can "
                    "no longer sign in). Kept 30 days.")
    deletion: AccountDeletion


@strawberry.federation.type(keys=["id"], description=EXPORT_DESCRIPTION)
class DataExport:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> DataExport:
        return cls(id=id)

    @strawberry.field(description="Account, profiles, watchlist, viewing history and sign-ins.")
    async def account(self, info: Info[Any, None]) -> JSON:
        return await export_user(may_export(info.context.viewer, self.id))


@strawberry.type
class EmailVerificationSent:
    sent_to: str = strawberry.field(description="The address the link went to.")


@strawberry.type
class EmailVerified:
    verified_at: datetime

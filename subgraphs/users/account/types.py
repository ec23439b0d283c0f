"""GraphQL types of the account mutations."""

from __future__ import annotations

import strawberry

__all__ = ["ChangePasswordInput", "ChangePasswordPayload"]


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

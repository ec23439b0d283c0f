"""Mutations of the OAuth feature, mixed into the users subgraph's Mutation root."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.users import services
from subgraphs.users.context import Context
from subgraphs.users.oauth.domain import GrantUser
from subgraphs.users.oauth.services import decide_device
from subgraphs.users.oauth.types import DeviceApproval

__all__ = ["ACCOUNT_SCOPE", "DeviceMutation"]

# Only first-party sign-ins carry it: a third-party app can never sign in more devices.
ACCOUNT_SCOPE = "account"


@strawberry.type
class DeviceMutation:
    @strawberry.mutation(description=(
        "Approve (or deny) the TV showing `userCode` (device flow, RFC 8628); it then signs in "
        "as you, acting as your first profile. Needs a first-party sign-in."))
    async def approve_device(
        self, info: Info[Context, None], user_code: str, approve: bool = True
    ) -> DeviceApproval:
        context = info.context
        user_id = context.viewer.require_scope(ACCOUNT_SCOPE)
        found = await context.repo.users_by_ids([user_id])
        profile = await services.default_profile(context.repo, user_id)
        profile_id = profile.id if profile else None
        user = found.get(user_id)
        decision = await decide_device(
            state=context.oauth_state, clients=context.clients, limiter=context.limiter,
            client_ip=context.client_ip,
            user=GrantUser(user_id, profile_id, user.home_region if user else None),
            user_code=user_code, approved=approve,
        )
        return DeviceApproval.from_domain(decision)

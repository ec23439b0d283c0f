"""GraphQL types of the OAuth feature."""

from __future__ import annotations

import strawberry

from subgraphs.users.oauth.services import DeviceDecision

__all__ = ["DeviceApproval"]


@strawberry.type(description="The answer given to a device waiting to sign in.")
class DeviceApproval:
    user_code: str
    client_name: str = strawberry.field(description="The app on the device, as registered.")
    scopes: list[str]
    approved: bool

    @classmethod
    def from_domain(cls, decision: DeviceDecision) -> DeviceApproval:
        return cls(user_code=decision.user_code, client_name=decision.client_name,
                   scopes=list(decision.scopes), approved=decision.approved)

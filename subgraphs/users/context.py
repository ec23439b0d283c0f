"""The users subgraph's per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.context import BaseContext
from subgraphs.common.outbox import OutboxRelay
from subgraphs.users.account.deletions import DeletionTracker
from subgraphs.users.account.verification import VerificationTokens
from subgraphs.users.adapters.mailer import Mailer
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.catalog import TortoiseCatalog
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.loaders import Loaders
from subgraphs.users.oauth.adapters.clients import ClientStore
from subgraphs.users.oauth.adapters.families import FamilyStore
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.services import ViewingLog
from subgraphs.users.tokens import TokenIssuer

__all__ = ["Context"]


@dataclass
class Context(BaseContext):
    repo: UsersRepository
    loaders: Loaders
    passwords: Passwords
    tokens: TokenIssuer
    limiter: RateLimiter
    oauth_state: OAuthState
    clients: ClientStore
    families: FamilyStore
    outbox: OutboxRelay
    viewings: ViewingLog
    catalog: TortoiseCatalog  # the titles content announced: what ids may name
    deletions: DeletionTracker
    verification: VerificationTokens
    mailer: Mailer
    public_url: str  # this service's public address, for links in mail

    @property
    def client_ip(self) -> str:
        """The caller's address, as the router saw it (rate limits count per address)."""
        return self.viewer.client_ip

"""The users subgraph's ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.events import RedisEventBus
from subgraphs.common.outbox import OutboxRelay
from subgraphs.common.resources import service_resources
from subgraphs.users.account.deletions import DeletionTracker, start_erasure_confirmations
from subgraphs.users.account.verification import VerificationTokens
from subgraphs.users.adapters.keys import ensure_signing_key, follow_active_key
from subgraphs.users.adapters.mailer import mailer_for
from subgraphs.users.adapters.ratelimit import RedisRateLimiter
from subgraphs.users.adapters.repository import TortoiseUsersRepository
from subgraphs.users.catalog import TortoiseCatalog, start_catalog_consumer
from subgraphs.users.context import Context
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.loaders import make_loaders
from subgraphs.users.oauth.adapters.clients import ClientStore
from subgraphs.users.oauth.adapters.families import FamilyStore
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.oauth.bridge import Bridge
from subgraphs.users.oauth.routes import OAuthEndpoints
from subgraphs.users.oauth.server import OAuthServer, OAuthStores
from subgraphs.users.routes import routes
from subgraphs.users.schema import schema
from subgraphs.users.services import ViewingLog
from subgraphs.users.settings import MODELS, NAME, Settings
from subgraphs.users.sync_facts import start_sync_consumers
from subgraphs.users.tokens import TokenIssuer

__all__ = ["create_app"]

_SHUTDOWN_GRACE = 5.0


def create_app(settings: Settings | None = None) -> Starlette:
    # Read once, here: what a caller set wins, the rest comes from the environment.
    settings = Settings.extending(settings) if settings is not None else Settings.from_env()
    mailer = mailer_for(settings.smtp_url, settings.mail_from, settings.mail_dir)
    repo = TortoiseUsersRepository()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with service_resources(settings, MODELS) as redis:
            app.state.redis = redis
            app.state.bus = RedisEventBus(redis)
            app.state.limiter = RedisRateLimiter(redis)
            app.state.tokens = TokenIssuer(await ensure_signing_key())
            app.state.passwords = Passwords()
            app.state.oauth_state = OAuthState(redis)
            app.state.clients = ClientStore()
            app.state.families = FamilyStore()
            # Every event of this subgraph leaves through its outbox, staged with its write.
            app.state.outbox = OutboxRelay(app.state.bus)
            app.state.viewings = ViewingLog(repo, app.state.outbox, settings.viewing_batch)
            stores = OAuthStores(
                clients=app.state.clients, families=app.state.families,
                state=app.state.oauth_state, repo=repo, tokens=app.state.tokens,
                outbox=app.state.outbox,
            )
            app.state.oauth = OAuthEndpoints(
                server=OAuthServer(stores, Bridge(asyncio.get_running_loop())),
                limiter=app.state.limiter, repo=repo, passwords=app.state.passwords,
            )
            # Devices' changes made through playback's sync become this subgraph's facts.
            stop = asyncio.Event()
            # Catalog titles from content's events: what watchlist adds and viewings name.
            app.state.catalog = TortoiseCatalog()
            # Account deletion: the subgraphs' answers are counted.
            app.state.deletions = DeletionTracker(redis)
            app.state.repo = repo
            app.state.verification = VerificationTokens(redis)
            app.state.mailer = mailer
            app.state.public_url = settings.public_url
            consumers = [*start_sync_consumers(app.state.bus, repo, app.state.outbox, stop),
                         *start_catalog_consumer(app.state.bus, app.state.catalog, stop),
                         asyncio.create_task(app.state.outbox.run(stop), name="users:outbox"),
                         start_erasure_confirmations(app.state.bus, app.state.deletions, stop),
                         # A rotated key takes over on every replica without a restart.
                         asyncio.create_task(follow_active_key(app.state.tokens, stop),
                                             name="users:signing-key")]
            try:
                yield
            finally:
                stop.set()
                _, stuck = await asyncio.wait(consumers, timeout=_SHUTDOWN_GRACE)
                for task in stuck:
                    task.cancel()

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        state = request.app.state
        return Context(
            request=request, response=response, viewer=viewer, repo=repo,
            loaders=make_loaders(repo), passwords=state.passwords,
            tokens=state.tokens, limiter=state.limiter, oauth_state=state.oauth_state,
            clients=state.clients, families=state.families, outbox=state.outbox,
            viewings=state.viewings, catalog=state.catalog,
            deletions=state.deletions, verification=state.verification, mailer=state.mailer,
            public_url=state.public_url,
        )

    return build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
        routes=routes,
    )

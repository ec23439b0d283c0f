"""Plain HTTP routes beside `/graphql`: the JWKS the router verifies access tokens with, the
OAuth endpoints and the email verification page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from subgraphs.users.account.routes import account_routes
from subgraphs.users.adapters.keys import load_signing_keys
from subgraphs.users.oauth.routes import oauth_routes
from subgraphs.users.tokens import jwks

__all__ = ["JWKS_PATH", "routes"]

JWKS_PATH = "/.well-known/jwks.json"


async def jwks_endpoint(_: Request) -> JSONResponse:
    # Read per request: a key another instance created at start-up shows up without a restart.
    keys = await load_signing_keys()
    return JSONResponse(jwks(keys), headers={"cache-control": "public, max-age=300"})


routes = [Route(JWKS_PATH, jwks_endpoint, methods=["GET"]), *oauth_routes, *account_routes]

"""The OAuth endpoints, plain Starlette routes of the users service (the ingress sends
`/oauth/*` and `/.well-known/*` here). Requests are read on the loop; Authlib's grants then run
in a worker thread (see `bridge`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from subgraphs.common.errors import DomainError, RateLimited
from subgraphs.users import services
from subgraphs.users.adapters.ratelimit import RateLimiter
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.oauth.domain import ACCESS_SCOPES, DEVICE_CODE_GRANT, GrantUser
from subgraphs.users.oauth.pages import consent_page, device_page, message_page
from subgraphs.users.oauth.registration import RegistrationRequest
from subgraphs.users.oauth.server import BASE_URL, DEVICE_PATH, OAuthRequest, OAuthServer
from subgraphs.users.oauth.services import decide_device
from subgraphs.users.services import Limit
from subgraphs.users.tokens import ISSUER

__all__ = ["OAuthEndpoints", "authorization_server_metadata", "discovery", "oauth_routes"]

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
DEVICE_AUTHORIZATION_PATH = "/oauth/device_authorization"
REVOKE_PATH = "/oauth/revoke"
REGISTER_PATH = "/oauth/register"
DISCOVERY_PATH = "/.well-known/openid-configuration"
METADATA_PATH = "/.well-known/oauth-authorization-server"
JWKS_PATH = "/.well-known/jwks.json"

TOKEN_LIMIT = Limit("oauth-token", 10, 60)
DEVICE_AUTHORIZATION_LIMIT = Limit("oauth-device-authorization", 5, 60)
REVOKE_LIMIT = Limit("oauth-revoke", 30, 60)
# Each registration is a stored client: fewer than sign-ins.
REGISTER_LIMIT = Limit("oauth-register", 10, 60)
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"

T = TypeVar("T")


@dataclass
class OAuthEndpoints:
    """What the endpoints need; built once in the app's lifespan."""

    server: OAuthServer
    limiter: RateLimiter
    repo: UsersRepository
    passwords: Passwords


def _endpoints(request: Request) -> OAuthEndpoints:
    return request.app.state.oauth  # type: ignore[no-any-return]


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _client_ip(request: Request) -> str:
    # uvicorn puts the forwarded address here when the peer is a trusted proxy
    # (FORWARDED_ALLOW_IPS), so behind an ingress every user keeps a bucket of their own.
    return request.client.host if request.client else "unknown"


async def _off_loop(request: Request, call: Callable[..., T], *args: Any) -> T:
    BASE_URL.set(_base_url(request))
    # to_thread copies the context, BASE_URL included.
    return await asyncio.to_thread(call, *args)


async def _read(request: Request) -> OAuthRequest:
    form: list[tuple[str, str]] = []
    if request.method == "POST" and request.headers.get("content-type", "").startswith(_FORM):
        form = [(k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str)]
    return OAuthRequest(request.method, str(request.url), request.headers,
                        list(request.query_params.multi_items()), form)


async def _limit(request: Request, limit: Limit) -> None:
    await _endpoints(request).limiter.hit(limit.action, _client_ip(request), limit.calls,
                                          limit.window_seconds)


async def _over_limit(request: Request, limit: Limit) -> Response | None:
    """The 429 to answer when this call is one too many, else None (the call is counted)."""
    try:
        await _limit(request, limit)
    except RateLimited as error:
        return _rate_limited(error)
    return None


def _rate_limited(error: RateLimited) -> JSONResponse:
    retry_after = int(error.details.get("retry_after", 1))  # type: ignore[call-overload]
    return JSONResponse(
        {"error": "rate_limited", "error_description": error.message,
         "retry_after": retry_after},
        status_code=429, headers={"retry-after": str(retry_after), "cache-control": "no-store"},
    )


def _authorization_error(endpoints: OAuthEndpoints, request: OAuthRequest,
                         error: OAuth2Error) -> Response:
    if error.redirect_uri:
        # The client and its redirect URI are known good: the error goes back to the client.
        return endpoints.server.handle_error_response(request, error)  # type: ignore[no-any-return]
    # Never redirect to an unverified address: tell the user instead.
    return message_page("Cannot sign in", error.description or error.error, 400)


async def authorize(request: Request) -> Response:
    endpoints = _endpoints(request)
    if request.method == "POST":
        return await _decide_authorization(request, endpoints)
    oauth_request = await _read(request)
    try:
        grant = await _off_loop(request, endpoints.server.get_consent_grant, oauth_request)
    except OAuth2Error as error:
        return _authorization_error(endpoints, oauth_request, error)
    # The validated request (its `state` with it) waits here for the user's answer.
    request_id = await endpoints.server.stores.state.put_request(dict(oauth_request.args))
    return _consent(grant, request_id)


def _consent(grant: Any, request_id: str, error: str | None = None,
             status: int = 200) -> Response:
    """The consent page for a validated request: the scopes the client would really get."""
    client = grant.client
    return consent_page(request_id, client.name, grant.request.scope.split(), error=error,
                        status=status, unverified=client.dynamic)


async def _decide_authorization(request: Request, endpoints: OAuthEndpoints) -> Response:
    form = await request.form()
    request_id = str(form.get("request_id", ""))
    state = endpoints.server.stores.state
    params = await state.request(request_id) if request_id else None
    if params is None:
        return message_page("Cannot sign in",
                            "This sign-in request expired; start again from the app.", 400)
    oauth_request = OAuthRequest("GET", f"{_base_url(request)}{AUTHORIZE_PATH}?"
                                 f"{urlencode(params)}", request.headers, list(params.items()), [])
    try:
        grant = await _off_loop(request, endpoints.server.get_consent_grant, oauth_request)
    except OAuth2Error as error:
        return _authorization_error(endpoints, oauth_request, error)
    grant_user = None
    if form.get("decision") == "approve":
        try:
            grant_user = await _sign_in(request, endpoints, str(form.get("email", "")),
                                        str(form.get("password", "")))
        except DomainError as error:
            status = 429 if isinstance(error, RateLimited) else 401
            return _consent(grant, request_id, error=error.message, status=status)
    await state.drop_request(request_id)
    return await _off_loop(request, endpoints.server.create_authorization_response,
                           oauth_request, grant_user, grant)


async def _sign_in(request: Request, endpoints: OAuthEndpoints, email: str,
                   password: str) -> GrantUser:
    user = await services.authenticate(
        repo=endpoints.repo, passwords=endpoints.passwords, limiter=endpoints.limiter,
        client=_client_ip(request), email=email, password=password,
    )
    profile = await services.default_profile(endpoints.repo, user.id)
    return GrantUser(user.id, profile.id if profile else None, user.home_region)


async def token(request: Request) -> Response:
    endpoints = _endpoints(request)
    oauth_request = await _read(request)
    # Device polls are paced by `interval` and `slow_down` instead (RFC 8628 §3.5).
    if (oauth_request.form.get("grant_type") != DEVICE_CODE_GRANT
            and (refused := await _over_limit(request, TOKEN_LIMIT)) is not None):
        return refused
    return await _off_loop(request, endpoints.server.create_token_response, oauth_request)


async def device_authorization(request: Request) -> Response:
    endpoints = _endpoints(request)
    if (refused := await _over_limit(request, DEVICE_AUTHORIZATION_LIMIT)) is not None:
        return refused
    oauth_request = await _read(request)
    return await _off_loop(request, endpoints.server.create_endpoint_response,
                           "device_authorization", oauth_request)


async def device(request: Request) -> Response:
    if request.method == "GET":
        return device_page(request.query_params.get("user_code", ""))
    endpoints = _endpoints(request)
    form = await request.form()
    user_code = str(form.get("user_code", ""))
    try:
        user = await _sign_in(request, endpoints, str(form.get("email", "")),
                              str(form.get("password", "")))
        decision = await decide_device(
            state=endpoints.server.stores.state, clients=endpoints.server.stores.clients,
            limiter=endpoints.limiter, client_ip=_client_ip(request), user=user,
            user_code=user_code, approved=form.get("decision") == "approve",
        )
    except DomainError as error:
        status = {"RATE_LIMITED": 429, "UNAUTHENTICATED": 401, "NOT_FOUND": 404}.get(
            error.code, 400)
        page = device_page(user_code, error=error.message, status=status)
        if "retry_after" in error.details:  # so a browser or script knows when to try again
            page.headers["retry-after"] = str(int(error.details["retry_after"]))  # type: ignore[call-overload]
        return page
    if decision.approved:
        return device_page(done=f"{decision.client_name} is signed in. You can close this page.")
    return device_page(done=f"{decision.client_name} was not signed in.")


async def revoke(request: Request) -> Response:
    endpoints = _endpoints(request)
    if (refused := await _over_limit(request, REVOKE_LIMIT)) is not None:
        return refused
    oauth_request = await _read(request)
    return await _off_loop(request, endpoints.server.create_endpoint_response, "revocation",
                           oauth_request)


async def register(request: Request) -> Response:
    """RFC 7591 dynamic client registration, for public native clients (see `registration`)."""
    endpoints = _endpoints(request)
    if (refused := await _over_limit(request, REGISTER_LIMIT)) is not None:
        return refused
    if not request.headers.get("content-type", "").startswith(_JSON):
        return _registration_error("invalid_client_metadata",
                                   "Send the client metadata as application/json.")
    try:
        data = await request.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return _registration_error("invalid_client_metadata",
                                   "The body must be a JSON object of client metadata.")
    registration = RegistrationRequest(request.method, str(request.url), request.headers, data)
    response = await _off_loop(request, endpoints.server.create_endpoint_response,
                               "client_registration", registration)
    response.headers["cache-control"] = "no-store"
    return response


def _registration_error(error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=400,
                        headers={"cache-control": "no-store"})


def discovery(base_url: str, issuer: str) -> dict[str, Any]:
    """The OpenID-style discovery document (RFC 8414 fields). `issuer` is the name access
    tokens carry (`iss`, which the router checks)."""
    return {
        "issuer": issuer,
        "authorization_endpoint": base_url + AUTHORIZE_PATH,
        "token_endpoint": base_url + TOKEN_PATH,
        "registration_endpoint": base_url + REGISTER_PATH,
        "device_authorization_endpoint": base_url + DEVICE_AUTHORIZATION_PATH,
        "revocation_endpoint": base_url + REVOKE_PATH,
        "jwks_uri": base_url + JWKS_PATH,
        "scopes_supported": list(ACCESS_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_CODE_GRANT],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [
            "none", "client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": [
            "none", "client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "verification_uri": base_url + DEVICE_PATH,
    }


def authorization_server_metadata(base_url: str) -> AuthorizationServerMetadata:
    """RFC 8414 metadata, as MCP clients discover it: the discovery document, whose issuer is
    here this server's own URL (RFC 8414 §3.3: the URL the metadata is fetched under),
    with the same endpoints, `registration_endpoint` among them."""
    return AuthorizationServerMetadata(discovery(base_url, base_url))


async def openid_configuration(request: Request) -> JSONResponse:
    return JSONResponse(discovery(_base_url(request), ISSUER),
                        headers={"cache-control": "public, max-age=300"})


async def oauth_authorization_server(request: Request) -> JSONResponse:
    return JSONResponse(dict(authorization_server_metadata(_base_url(request))),
                        headers={"cache-control": "public, max-age=300"})


oauth_routes = [
    Route(AUTHORIZE_PATH, authorize, methods=["GET", "POST"]),
    Route(TOKEN_PATH, token, methods=["POST"]),
    Route(DEVICE_AUTHORIZATION_PATH, device_authorization, methods=["POST"]),
    Route(DEVICE_PATH, device, methods=["GET", "POST"]),
    Route(REVOKE_PATH, revoke, methods=["POST"]),
    Route(REGISTER_PATH, register, methods=["POST"]),
    Route(DISCOVERY_PATH, openid_configuration, methods=["GET"]),
    Route(METADATA_PATH, oauth_authorization_server, methods=["GET"]),
]

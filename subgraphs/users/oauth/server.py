"""Authlib's authorization server with our stores: which grants, how tokens look, where state
lives. Every method here runs in a worker thread (see `bridge`)."""

from __future__ import annotations

import contextvars
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import jwt
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Error, OAuth2Request
from authlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    InvalidRequestError,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6749.requests import OAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc8628 import DeviceAuthorizationEndpoint, DeviceCodeGrant
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response

from subgraphs.common.outbox import Outbox, publish_staged
from subgraphs.users.adapters.keys import load_signing_keys
from subgraphs.users.adapters.repository import UsersRepository
from subgraphs.users.oauth import events
from subgraphs.users.oauth.adapters.clients import ClientStore
from subgraphs.users.oauth.adapters.families import FamilyStore
from subgraphs.users.oauth.adapters.state import OAuthState
from subgraphs.users.oauth.bridge import Bridge
from subgraphs.users.oauth.domain import (
    ACCESS_SCOPES,
    DEVICE_CODE_GRANT,
    DEVICE_INTERVAL,
    DEVICE_TTL,
    AuthorizationCode,
    Client,
    DeviceCredential,
    GrantUser,
    RefreshToken,
)
from subgraphs.users.oauth.registration import ClientRegistration, RegistrationRequest
from subgraphs.users.tokens import TokenIssuer, verify_access_token

__all__ = ["BASE_URL", "OAuthRequest", "OAuthServer", "OAuthStores"]

DEVICE_PATH = "/oauth/device"
# The public address of this request's server (for verification URIs); set per request.
BASE_URL: contextvars.ContextVar[str] = contextvars.ContextVar("oauth_base_url")
_PUBLIC_AND_SECRET = ["client_secret_basic", "client_secret_post", "none"]


@dataclass
class OAuthStores:
    clients: ClientStore
    families: FamilyStore
    state: OAuthState
    repo: UsersRepository
    tokens: TokenIssuer
    # Events leave with the write they report (the refresh token's, for a device's sign-in).
    outbox: Outbox


class _Payload(OAuth2Payload):
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._data: dict[str, str] = {}
        self._datalist: dict[str, list[str]] = {}
        for key, value in pairs:
            self._data.setdefault(key, value)
            self._datalist.setdefault(key, []).append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:  # type: ignore[override]
        return self._datalist


class OAuthRequest(OAuth2Request):
    """A Starlette request read up front (query and form), so grants can run off the loop."""

    def __init__(
        self, method: str, uri: str, headers: Headers | Mapping[str, str],
        query: list[tuple[str, str]], form: list[tuple[str, str]],
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = dict(query)
        self._form = dict(form)
        self.payload = _Payload([*query, *form])
        self.family_id: uuid.UUID | None = None
        self.device_code: str | None = None

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class InvalidTargetError(OAuth2Error):
    """RFC 8707 §2: the `resource` asked for is not one an access token can be for."""

    error = "invalid_target"


def check_resource(request: OAuthRequest) -> None:
    """RFC 8707 resource indicators, as MCP clients send them (the MCP server's URL): each an
    absolute URI without a fragment. The tokens' audience stays the graph's (`media-gateway`):
    the MCP server passes them on to the router, which is where they are checked."""
    for resource in request.payload.datalist.get("resource", []):
        parts = urlsplit(resource)
        if not parts.scheme or not parts.netloc or parts.fragment or "#" in resource:
            raise InvalidTargetError("resource must be an absolute URI without a fragment.")


class S256Challenge(CodeChallenge):
    """PKCE required on every authorization request, S256 only (never `plain`)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send a code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _PUBLIC_AND_SECRET
    server: OAuthServer

    def validate_authorization_request(self) -> str:
        redirect_uri: str = super().validate_authorization_request()
        try:
            check_resource(self.request)
        except OAuth2Error as error:
            # The client and its redirect URI are verified by now: the error goes back there.
            error.redirect_uri = redirect_uri
            raise
        return redirect_uri

    def validate_token_request(self) -> None:
        check_resource(self.request)
        super().validate_token_request()

    def save_authorization_code(self, code: str, request: OAuthRequest) -> None:
        user: GrantUser = request.user
        data = request.payload.data
        record = AuthorizationCode(
            client_id=request.client.client_id, redirect_uri=data["redirect_uri"],
            scope=request.scope, user_id=user.user_id, profile_id=user.profile_id,
            home_region=user.home_region, code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
        )
        self.server.bridge(self.server.stores.state.put_code(code, record))

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        record, reused_family = self.server.bridge(self.server.stores.state.take_code(code))
        if record is None:
            if reused_family:
                # RFC 6749 §4.1.2: a code used twice revokes what its first use issued.
                self.server.bridge(
                    self.server.revoke_family(uuid.UUID(reused_family), "code_reused")
                )
            return None
        return record if record.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing left to do: `take_code` consumed it atomically."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> GrantUser:
        self.request.family_id = authorization_code.family_id
        return GrantUser(authorization_code.user_id, authorization_code.profile_id,
                         authorization_code.home_region)


class RefreshGrant(RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _PUBLIC_AND_SECRET
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: OAuthServer

    def validate_token_request(self) -> None:
        check_resource(self.request)
        super().validate_token_request()

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshToken | None:
        bridge, families = self.server.bridge, self.server.stores.families
        found = bridge(families.find(refresh_token))
        if found is None or found.expired or found.revoked:
            return None
        client = self.request.client
        if client is None or not found.check_client(client):
            return None
        if found.used or not bridge(families.claim(found.token_hash)):
            # A rotated token came back: someone holds a copy. End the whole sign-in.
            bridge(self.server.revoke_family(found.family_id, "refresh_reused"))
            return None
        self.request.family_id = found.family_id
        return found

    def authenticate_user(self, refresh_token: RefreshToken) -> GrantUser | None:
        users = self.server.bridge(self.server.stores.repo.users_by_ids([refresh_token.user_id]))
        user = users.get(refresh_token.user_id)
        if user is None:
            return None
        return GrantUser(user.id, refresh_token.profile_id, user.home_region)

    def revoke_old_credential(self, refresh_token: RefreshToken) -> None:
        """Nothing left to do: `claim` marked it used before the new one was issued."""


class DeviceGrant(DeviceCodeGrant):
    server: OAuthServer

    def query_device_credential(self, device_code: str) -> DeviceCredential | None:
        self.request.device_code = device_code
        return self.server.bridge(self.server.stores.state.device(device_code))

    def query_user_grant(self, user_code: str) -> tuple[GrantUser | None, bool] | None:
        decision = self.server.bridge(self.server.stores.state.decision(user_code))
        if decision is None:
            return None
        if not decision["approved"]:
            return None, False
        profile = decision.get("profile_id")
        return GrantUser(uuid.UUID(decision["user_id"]),
                         uuid.UUID(profile) if profile else None,
                         decision.get("home_region")), True

    def should_slow_down(self, credential: DeviceCredential) -> bool:
        return self.server.bridge(
            self.server.stores.state.polled_too_fast(str(self.request.device_code))
        )

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        credential: DeviceCredential = self.request.credential
        state = self.server.stores.state
        if not self.server.bridge(
            state.finish_device(str(self.request.device_code), credential.user_code)
        ):
            raise InvalidGrantError("This device code was already used.")
        self.request.family_id = uuid.uuid4()
        user: GrantUser = self.request.user
        # Staged with the refresh token: playback makes the TV's device row from it.
        self.request.staged_events = [events.device_signed_in(
            user.user_id, self.request.client, self.request.family_id)]
        response = super().create_token_response()
        self.server.bridge(publish_staged(self.server.stores.outbox))
        return response


class DeviceEndpoint(DeviceAuthorizationEndpoint):
    CLIENT_AUTH_METHODS = _PUBLIC_AND_SECRET
    EXPIRES_IN = DEVICE_TTL
    INTERVAL = DEVICE_INTERVAL
    server: OAuthServer

    def authenticate_client(self, request: OAuthRequest) -> Client:
        client: Client = super().authenticate_client(request)
        if not client.check_grant_type(DEVICE_CODE_GRANT):
            raise UnauthorizedClientError("This client may not use the device flow.")
        return client

    def get_verification_uri(self) -> str:
        return BASE_URL.get() + DEVICE_PATH

    def save_device_credential(self, client_id: str, scope: str | None,
                               data: dict[str, Any]) -> None:
        client = self.server.query_client(client_id)
        credential = DeviceCredential(
            client_id=client_id, scope=client.get_allowed_scope(scope),
            user_code=data["user_code"], expires_at=time.time() + self.EXPIRES_IN,
        )
        self.server.bridge(self.server.stores.state.put_device(data["device_code"], credential))


@dataclass(frozen=True)
class _AccessTokenRef:
    """An access token presented for revocation."""

    jti: str
    expires_at: float
    client_id: str | None

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = _PUBLIC_AND_SECRET
    server: OAuthServer

    def query_token(self, token_string: str,
                    token_type_hint: str | None) -> RefreshToken | _AccessTokenRef | None:
        bridge = self.server.bridge
        if token_type_hint != "refresh_token" and token_string.count(".") == 2:
            try:
                claims = verify_access_token(token_string, bridge(load_signing_keys()))
            except jwt.InvalidTokenError:
                claims = None
            if claims is not None:
                return _AccessTokenRef(claims["jti"], float(claims["exp"]),
                                       claims.get("client_id"))
        # RFC 7009 §2.2: an unknown token is answered 200 all the same.
        return bridge(self.server.stores.families.find(token_string))

    def revoke_token(self, token: RefreshToken | _AccessTokenRef, request: OAuthRequest) -> None:
        if isinstance(token, _AccessTokenRef):
            self.server.bridge(self.server.stores.state.revoke_jti(token.jti, token.expires_at))
        else:
            self.server.bridge(self.server.revoke_family(token.family_id, "revoked"))


class OAuthServer(AuthorizationServer):
    def __init__(self, stores: OAuthStores, bridge: Bridge) -> None:
        super().__init__(scopes_supported=list(ACCESS_SCOPES))
        self.stores = stores
        self.bridge = bridge
        self.register_token_generator("default", self._generate_token)
        self.register_grant(CodeGrant, [S256Challenge(required=True)])
        self.register_grant(RefreshGrant)
        self.register_grant(DeviceGrant)
        self.register_endpoint(DeviceEndpoint)
        self.register_endpoint(Revocation)
        self.register_endpoint(ClientRegistration)

    def query_client(self, client_id: str) -> Client | None:
        return self.bridge(self.stores.clients.get(client_id))

    def _generate_token(
        self, grant_type: str, client: Client, user: GrantUser, scope: str,
        expires_in: int | None = None, include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        access = self.stores.tokens.issue(
            user.user_id, scopes=scope.split(), home_region=user.home_region,
            profile_id=user.profile_id, client_id=client.client_id,
        )
        token: dict[str, Any] = {"token_type": "Bearer", "access_token": access.token,
                                 "expires_in": access.expires_in, "scope": scope}
        if include_refresh_token:
            token["refresh_token"] = secrets.token_urlsafe(32)
        return token

    def save_token(self, token: dict[str, Any], request: OAuthRequest) -> None:
        if "refresh_token" not in token:
            return
        claims = jwt.decode(token["access_token"], options={"verify_signature": False})
        user: GrantUser = request.user
        self.bridge(self.stores.families.add_token(
            token["refresh_token"], request.family_id or uuid.uuid4(), user_id=user.user_id,
            client_id=request.client.client_id, scope=token["scope"],
            profile_id=user.profile_id, access_jti=claims["jti"],
            access_expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            events=getattr(request, "staged_events", ()),
        ))

    async def revoke_family(self, family_id: uuid.UUID, reason: str) -> None:
        access = await self.stores.families.revoke(family_id, reason)
        if access is not None:
            await self.stores.state.revoke_jti(access.jti, access.expires_at.timestamp())

    def create_oauth2_request(self, request: OAuthRequest) -> OAuthRequest:
        return request

    def create_json_request(self, request: RegistrationRequest) -> RegistrationRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            response: Response = JSONResponse(body, status_code=status)
            for name, value in headers:
                if name.lower() != "content-type":
                    response.headers[name] = value
            return response
        return Response(body or b"", status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal receivers: revocation's effects happen in `revoke_token`."""



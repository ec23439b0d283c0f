"""Dynamic client registration (RFC 7591) for public native clients, MCP clients first: no
secret (`token_endpoint_auth_method: none`, so PKCE is their proof), authorization code and
refresh token only, redirect URIs on loopback http or https. Runs in a worker thread like the
grants (see `bridge`)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.requests import JsonPayload, JsonRequest
from authlib.oauth2.rfc7591 import (
    ClientMetadataClaims,
    ClientRegistrationEndpoint,
    InvalidClientMetadataError,
    InvalidRedirectURIError,
)
from joserfc.errors import InvalidClaimError
from starlette.datastructures import Headers

from subgraphs.users.oauth.domain import ACCESS_SCOPES, Client

if TYPE_CHECKING:
    from subgraphs.users.oauth.server import OAuthServer

__all__ = [
    "REGISTRABLE_GRANT_TYPES",
    "ClientRegistration",
    "RegistrationRequest",
    "allowed_redirect_uri",
]

REGISTRABLE_GRANT_TYPES = ("authorization_code", "refresh_token")
# What a registered client is stored with and told back; other metadata is ignored.
_KEPT = ("redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types",
         "client_name", "scope")
_LOOPBACK_NAMES = {"localhost"}
_NAME_LENGTH = 100
_DEFAULT_NAME = "Unnamed app"


def allowed_redirect_uri(uri: object) -> bool:
    """https anywhere, or http on a loopback address (RFC 8252 §7.3, any port); never a
    fragment, credentials, or another scheme."""
    if not isinstance(uri, str):
        return False
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number
    except ValueError:
        return False
    if not parts.hostname or parts.fragment or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class _Payload(JsonPayload):
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, Any]:
        return self._data


class RegistrationRequest(JsonRequest):
    """A registration request's JSON body, read up front on the loop."""

    def __init__(self, method: str, uri: str, headers: Headers, data: dict[str, Any]) -> None:
        super().__init__(method, uri, headers)
        self.payload = _Payload(data)


class PublicClientClaims(ClientMetadataClaims):
    """Authlib's RFC 7591 checks (against the metadata below), narrowed to public clients."""

    def validate_redirect_uris(self) -> None:
        uris = self.get("redirect_uris")
        if not isinstance(uris, list) or not uris:
            raise InvalidRedirectURIError("redirect_uris: at least one redirect URI is required.")
        for uri in uris:
            if not allowed_redirect_uri(uri):
                raise InvalidRedirectURIError(
                    f"{uri!r}: only https, or http on a loopback address (127.0.0.1, [::1], "
                    "localhost), without a fragment."
                )

    def validate_token_endpoint_auth_method(self) -> None:
        # RFC 7591's default is client_secret_basic; a native app cannot keep a secret.
        self.setdefault("token_endpoint_auth_method", "none")

    def validate_grant_types(self) -> None:
        grant_types = self.setdefault("grant_types", ["authorization_code"])
        if not isinstance(grant_types, list) or "authorization_code" not in grant_types:
            raise InvalidClaimError("grant_types")
        self["grant_types"] = list(dict.fromkeys(grant_types))

    def validate_response_types(self) -> None:
        self.setdefault("response_types", ["code"])

    def validate_client_name(self) -> None:
        name = self.setdefault("client_name", _DEFAULT_NAME)
        if not isinstance(name, str) or not name.strip() or len(name) > _NAME_LENGTH:
            raise InvalidClaimError("client_name")
        self["client_name"] = name.strip()

    def validate_scope(self) -> None:
        scope = self.setdefault("scope", " ".join(ACCESS_SCOPES))
        if not isinstance(scope, str):
            raise InvalidClaimError("scope")
        self["scope"] = " ".join(dict.fromkeys(scope.split())) or " ".join(ACCESS_SCOPES)


class ClientRegistration(ClientRegistrationEndpoint):
    """Open registration (no initial access token): what it can register is harmless on its
    own, a public client that still needs a user's consent for every grant."""

    server: OAuthServer

    def __init__(self, server: OAuthServer) -> None:
        super().__init__(server, claims_classes=[PublicClientClaims])

    def authenticate_token(self, request: RegistrationRequest) -> bool:
        return True

    def get_server_metadata(self) -> dict[str, Any]:
        return {
            "scopes_supported": list(ACCESS_SCOPES),
            "response_types_supported": ["code"],
            "grant_types_supported": list(REGISTRABLE_GRANT_TYPES),
            "token_endpoint_auth_methods_supported": ["none"],
        }

    def extract_client_metadata(self, request: RegistrationRequest) -> dict[str, Any]:
        if not isinstance(request.payload.data, dict) or not request.payload.data:
            raise InvalidClientMetadataError("The body must be a JSON object of client metadata.")
        metadata: dict[str, Any] = super().extract_client_metadata(request)
        return {key: metadata[key] for key in _KEPT if key in metadata}

    def generate_client_info(self, request: RegistrationRequest) -> dict[str, Any]:
        info: dict[str, Any] = super().generate_client_info(request)
        # A public client: no secret, so neither `client_secret` nor its expiry.
        info.pop("client_secret", None)
        info.pop("client_secret_expires_at", None)
        return info

    def generate_client_id(self, request: RegistrationRequest) -> str:
        return "dyn-" + generate_token(40)

    def generate_client_secret(self, request: RegistrationRequest) -> None:
        return None

    def save_client(self, client_info: dict[str, Any], client_metadata: dict[str, Any],
                    request: RegistrationRequest) -> Client:
        return self.server.bridge(self.server.stores.clients.register(
            client_info["client_id"], client_metadata["client_name"],
            redirect_uris=client_metadata["redirect_uris"],
            grant_types=client_metadata["grant_types"],
            scopes=client_metadata["scope"].split(), dynamic=True,
        ))

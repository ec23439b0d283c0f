"""What the OAuth flows know about clients, codes, devices and refresh tokens; no I/O here."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "ACCESS_SCOPES",
    "CODE_TTL",
    "DEVICE_CODE_GRANT",
    "DEVICE_INTERVAL",
    "DEVICE_TTL",
    "REFRESH_TTL",
    "REQUEST_TTL",
    "SCOPE_DESCRIPTIONS",
    "AuthorizationCode",
    "Client",
    "DeviceCredential",
    "GrantUser",
    "RefreshToken",
    "digest",
    "normalise_user_code",
]

# Scopes a third-party client may ask for, with what the consent page says about each.
SCOPE_DESCRIPTIONS = {
    "read:watchlist": "See your watchlist",
    "write:watchlist": "Add titles to and remove titles from your watchlist",
    "playback:control": "Control playback on your devices",
    "profile": "See your name, profiles and preferences",
}
ACCESS_SCOPES = tuple(SCOPE_DESCRIPTIONS)

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Seconds: a pending authorization request (its `state` with it), a code, a device code.
REQUEST_TTL = 600
CODE_TTL = 300
DEVICE_TTL = 900
DEVICE_INTERVAL = 5
REFRESH_TTL = 30 * 24 * 3600

_USER_CODE = re.compile(r"[BCDFGHJKLMNPQRSTVWXZ]{8}")


def digest(secret: str) -> str:
    """What we store of a code or token: its SHA-256, so a leaked store gives nothing usable."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_user_code(raw: str) -> str | None:
    """`bcdf ghjk`, `BCDFGHJK`, `BCDF-GHJK` all mean `BCDF-GHJK`; None when it cannot be one."""
    letters = re.sub(r"[\s-]", "", raw).upper()
    if not _USER_CODE.fullmatch(letters):
        return None
    return f"{letters[:4]}-{letters[4:]}"


@dataclass(frozen=True)
class Client:
    """A registered client, with the methods Authlib's `ClientMixin` asks for."""

    client_id: str
    name: str
    redirect_uris: tuple[str, ...] = ()
    grant_types: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ACCESS_SCOPES
    secret_hash: str | None = None
    first_party: bool = False
    # Registered by the app itself (RFC 7591): its name is unverified.
    dynamic: bool = False

    @property
    def is_public(self) -> bool:
        return self.secret_hash is None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # Exact redirect URIs only: the request must name one.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        wanted = (scope or "").split() or list(self.scopes)
        return " ".join(s for s in dict.fromkeys(wanted) if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.secret_hash is None:
            return False
        return hmac.compare_digest(digest(client_secret), self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass(frozen=True)
class GrantUser:
    """The signed-in resource owner a grant is for, and the profile its tokens act as."""

    user_id: uuid.UUID
    profile_id: uuid.UUID | None = None
    home_region: str | None = None

    def get_user_id(self) -> str:
        return str(self.user_id)


@dataclass(frozen=True)
class AuthorizationCode:
    """A code as stored (by digest); `family_id` is the refresh family its tokens will start,
    allocated up front so that a reused code can revoke what the first use issued."""

    client_id: str
    redirect_uri: str
    scope: str
    user_id: uuid.UUID
    profile_id: uuid.UUID | None
    home_region: str | None
    code_challenge: str
    code_challenge_method: str
    family_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def to_json(self) -> dict[str, object]:
        return {
            "client_id": self.client_id, "redirect_uri": self.redirect_uri, "scope": self.scope,
            "user_id": str(self.user_id),
            "profile_id": str(self.profile_id) if self.profile_id else None,
            "home_region": self.home_region, "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge_method,
            "family_id": str(self.family_id),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> AuthorizationCode:
        profile = data.get("profile_id")
        return cls(
            client_id=str(data["client_id"]), redirect_uri=str(data["redirect_uri"]),
            scope=str(data["scope"]), user_id=uuid.UUID(str(data["user_id"])),
            profile_id=uuid.UUID(str(profile)) if profile else None,
            home_region=str(data["home_region"]) if data.get("home_region") else None,
            code_challenge=str(data["code_challenge"]),
            code_challenge_method=str(data["code_challenge_method"]),
            family_id=uuid.UUID(str(data["family_id"])),
        )


@dataclass(frozen=True)
class DeviceCredential:
    """A device authorization as stored (by device-code digest), for Authlib's device grant."""

    client_id: str
    scope: str
    user_code: str
    expires_at: float

    def get_client_id(self) -> str:
        return self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_user_code(self) -> str:
        return self.user_code

    def is_expired(self, now: float | None = None) -> bool:
        return self.expires_at < (time.time() if now is None else now)


@dataclass(frozen=True)
class RefreshToken:
    """A refresh token's row with its family; `used` means it was already rotated."""

    token_hash: str
    family_id: uuid.UUID
    user_id: uuid.UUID
    client_id: str
    scope: str
    profile_id: uuid.UUID | None
    expired: bool
    used: bool
    revoked: bool

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def scopes(self) -> Sequence[str]:
        return self.scope.split()

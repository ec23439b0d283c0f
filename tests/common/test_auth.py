from __future__ import annotations

import time
import uuid

import pytest

from subgraphs.common.auth import (
    CLAIMS_HEADER,
    CLIENT_IP_HEADER,
    SECRET_HEADER,
    SIGNATURE_HEADER,
    SIGNED_AT_HEADER,
    Viewer,
    encode_claims,
    sign_identity,
    signed_headers,
    viewer_from_headers,
)
from subgraphs.common.errors import Forbidden, Unauthenticated

USER = uuid.uuid4()


def _headers(secret: str, claims: dict | None = None) -> dict[str, str]:
    return {CLAIMS_HEADER: encode_claims(claims or {"sub": str(USER), "scope": "a b"}),
            SECRET_HEADER: secret}


def test_claims_with_the_router_secret_identify_the_user() -> None:
    viewer = viewer_from_headers(_headers("s3cret"), "s3cret")
    assert viewer.user_id == USER
    assert viewer.scopes == {"a", "b"}


@pytest.mark.parametrize(("claim", "region"), [("de", "DE"), ("GB", "GB"), ("DEU", None),
                                               (7, None), (None, None)])
def test_the_home_region_claim_is_read_when_well_formed(claim: object, region: str | None
                                                        ) -> None:
    claims = {"sub": str(USER), "scope": "a", "home_region": claim}
    assert viewer_from_headers(_headers("s3cret", claims), "s3cret").home_region == region


@pytest.mark.parametrize("secret", ["", "wrong"])
def test_claims_without_the_secret_are_ignored(secret: str) -> None:
    assert not viewer_from_headers(_headers(secret), "s3cret").is_authenticated


def test_garbage_claims_are_anonymous() -> None:
    headers = {CLAIMS_HEADER: "!!not-base64", SECRET_HEADER: "s3cret"}
    assert not viewer_from_headers(headers, "s3cret").is_authenticated


def test_require_self_refuses_other_users() -> None:
    with pytest.raises(Forbidden):
        Viewer(user_id=USER).require_self(uuid.uuid4())
    with pytest.raises(Unauthenticated):
        Viewer().require_self(USER)
    assert Viewer(user_id=USER).require_self(USER) == USER


def test_client_address_is_trusted_only_from_the_router() -> None:
    spoofed = {CLIENT_IP_HEADER: "10.0.0.1"}
    assert viewer_from_headers(spoofed, "s3cret", peer="192.0.2.7").client_ip == "192.0.2.7"
    forwarded = {**spoofed, SECRET_HEADER: "s3cret"}
    assert viewer_from_headers(forwarded, "s3cret", peer="127.0.0.1").client_ip == "10.0.0.1"


def test_signed_identity_is_trusted_and_the_key_never_travels() -> None:
    headers = signed_headers("s3cret", {"sub": str(USER), "scope": "a"}, "203.0.113.9")
    assert "s3cret" not in str(headers)
    viewer = viewer_from_headers(headers, "s3cret", peer="10.0.0.2")
    assert viewer.user_id == USER and viewer.client_ip == "203.0.113.9"
    assert not viewer_from_headers(headers, "other").is_authenticated


def test_a_signature_holds_for_its_identity_only() -> None:
    headers = signed_headers("s3cret", {"sub": str(USER)}, "203.0.113.9")
    someone_else = {**headers, CLAIMS_HEADER: encode_claims({"sub": str(uuid.uuid4())})}
    assert not viewer_from_headers(someone_else, "s3cret").is_authenticated
    moved = {**headers, CLIENT_IP_HEADER: "198.51.100.1"}
    assert viewer_from_headers(moved, "s3cret", peer="10.0.0.2").client_ip == "10.0.0.2"


def test_an_old_signature_is_refused_except_for_a_websocket() -> None:
    claims = {"sub": str(USER)}
    old = signed_headers("s3cret", claims, "203.0.113.9", now=time.time() - 3_600)
    assert not viewer_from_headers(old, "s3cret").is_authenticated
    ws = {**signed_headers("s3cret", claims, "203.0.113.9"), SIGNED_AT_HEADER: "ws"}
    ws[SIGNATURE_HEADER] = sign_identity("s3cret", "ws", ws[CLAIMS_HEADER], "203.0.113.9")
    assert not viewer_from_headers(ws, "s3cret").is_authenticated
    assert viewer_from_headers(ws, "s3cret", websocket=True).user_id == USER

from __future__ import annotations

import uuid

import pytest

from subgraphs.common.auth import (
    CLAIMS_HEADER,
    CLIENT_IP_HEADER,
    SECRET_HEADER,
    Viewer,
    encode_claims,
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

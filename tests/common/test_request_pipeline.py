"""The shared app's per-request pipeline: limits answered from the cache refuse as they did the
first time, remembered identity still needs the router secret, responses keep their media types.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.testclient import TestClient

from subgraphs.common.app import build_app
from subgraphs.common.auth import CLAIMS_HEADER, SECRET_HEADER, encode_claims, viewer_from_headers
from subgraphs.common.extensions import ErrorCodes, default_limits
from subgraphs.common.view import GraphQLView
from tests.common.nested_schema import Query as _Query


@strawberry.type
class _OtherQuery:
    @strawberry.field
    def other(self) -> int:
        return 1


@strawberry.type
class _Mutation:
    @strawberry.mutation
    def touch(self) -> int:
        return 1


_SCHEMA = strawberry.Schema(query=_Query, mutation=_Mutation,
                            extensions=[*default_limits(), ErrorCodes])
_OTHER = strawberry.Schema(query=_OtherQuery, extensions=[*default_limits(), ErrorCodes])

_DEEP = "{ root { " + "children { " * 11 + "name" + " }" * 11 + " } }"
_ALIASES = "{ " + " ".join(f"a{i}: root {{ name }}" for i in range(31)) + " }"
_COSTLY = "{ root { children(first: 100) { children(first: 100) { name } } } }"
_TOKENS = "{ " + "root { name } " * 700 + "}"


@pytest.mark.parametrize(("query", "code", "message"), [
    (_DEEP, "GRAPHQL_VALIDATION_FAILED", "exceeds maximum operation depth of 10"),
    (_ALIASES, "GRAPHQL_VALIDATION_FAILED", "31 aliases found. Allowed: 30"),
    (_COSTLY, "QUERY_TOO_COMPLEX", "Query is too complex"),
    ("{ nope }", "GRAPHQL_VALIDATION_FAILED", "Cannot query field 'nope'"),
])
async def test_limits_refuse_alike_when_answered_from_the_cache(
    query: str, code: str, message: str
) -> None:
    for _ in range(3):
        result = await _SCHEMA.execute(query)
        assert result.data is None
        assert result.errors and result.errors[0].extensions["code"] == code
        assert message in result.errors[0].message


async def test_documents_over_the_token_limit_are_not_parsed() -> None:
    for _ in range(2):
        result = await _SCHEMA.execute(_TOKENS)
        assert result.data is None and result.errors
        assert "more than 2000 tokens" in result.errors[0].message


async def test_the_same_text_is_validated_against_each_schema() -> None:
    query = "{ other }"
    assert (await _OTHER.execute(query)).data == {"other": 1}
    refused = await _SCHEMA.execute(query)
    assert refused.data is None and refused.errors
    assert refused.errors[0].extensions["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert (await _OTHER.execute(query)).data == {"other": 1}


async def test_a_valid_operation_runs_after_a_cached_answer() -> None:
    for _ in range(2):
        result = await _SCHEMA.execute("{ root { children(first: 2) { name } } }")
        assert result.errors is None
        assert result.data == {"root": {"children": [{"name": "nœud"}] * 2}}


def test_remembered_claims_still_need_the_secret() -> None:
    headers = {CLAIMS_HEADER: encode_claims({"sub": str(uuid.uuid4()), "scope": "a"}),
               SECRET_HEADER: "s3cret"}
    for _ in range(2):
        assert viewer_from_headers(headers, "s3cret").is_authenticated
    assert not viewer_from_headers({**headers, SECRET_HEADER: "wrong"}, "s3cret").is_authenticated
    assert not viewer_from_headers(headers, "other-secret").is_authenticated


def test_json_beyond_what_orjson_encodes_still_encodes() -> None:
    view = GraphQLView(_SCHEMA, _context, "s3cret")
    data = {"n": 2**70, "s": "é"}
    assert json.loads(view.encode_json(data)) == data
    assert json.loads(view.encode_json({"s": "é"})) == {"s": "é"}


async def _context(request: Any, response: Any, viewer: Any) -> dict[str, Any]:
    return {"request": request, "response": response, "viewer": viewer}


@contextlib.asynccontextmanager
async def _lifespan(_: Starlette) -> AsyncIterator[None]:
    yield


@pytest.fixture
def http() -> TestClient:
    app = build_app(name="test", schema=_SCHEMA, context_factory=_context,
                    router_secret="s3cret", lifespan=_lifespan)
    return TestClient(app)


def test_responses_keep_their_media_types_and_status(http: TestClient) -> None:
    query = {"query": "{ root { name } }"}
    plain = http.post("/graphql", json=query)
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "application/json"
    assert plain.json() == {"data": {"root": {"name": "nœud"}}}
    spec = http.post("/graphql", json=query,
                     headers={"accept": "application/graphql-response+json"})
    assert spec.status_code == 200
    assert spec.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    refused = http.post("/graphql", json={"query": _DEEP},
                        headers={"accept": "application/graphql-response+json"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("body", [
    {"query": 5}, {"query": "{ root { name } }", "variables": []},
    {"query": "{ root { name } }", "extensions": "x"}, [{"query": "{ root { name } }"}],
])
def test_malformed_operations_get_strawberrys_refusals(http: TestClient, body: object) -> None:
    response = http.post("/graphql", json=body)
    assert response.status_code == 400, response.text


def test_bad_bodies_and_mutations_over_get_are_refused(http: TestClient) -> None:
    broken = http.post("/graphql", content=b"{not json",
                       headers={"content-type": "application/json"})
    assert broken.status_code == 400
    # A GraphQL error with a code, not plain text.
    assert broken.json()["errors"][0] == {"message": "Unable to parse request body as JSON",
                                          "extensions": {"code": "BAD_REQUEST"}}
    over_get = http.get("/graphql", params={"query": "mutation { touch }"})
    assert over_get.status_code == 400
    assert "mutations are not allowed when using GET" in over_get.text

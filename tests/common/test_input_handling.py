"""What a subgraph answers to bad input sent to it directly: a GraphQL error with a code, inputs
echoed briefly, never a plain-text refusal or INTERNAL_SERVER_ERROR for the caller's mistake."""

from __future__ import annotations

import base64
import contextlib
import enum
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import strawberry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient

from subgraphs.common.app import build_app
from subgraphs.common.costs import CostedSchema
from subgraphs.common.errors import BadInput
from subgraphs.common.extensions import ErrorCodes, default_limits
from subgraphs.common.pagination import Connection, PageRequest, decode_cursor

MAX_ECHO = 100


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    name: str


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, text: str, ident: strawberry.ID, count: int = 1,
             colour: Colour | None = None) -> str:
        if len(text) > 5:
            raise BadInput(f"Too long: {text!r}.", text=text)
        return text * count

    @strawberry.field
    def items(self, first: int | None = None, after: str | None = None) -> Connection[Item]:
        page = PageRequest.from_args(first, after)
        return Connection.build([], page, 0, lambda item: item)


_SCHEMA = CostedSchema(query=Query, extensions=[*default_limits(), ErrorCodes],
                       federation_version="2.9")
_ECHO = "query($t: String!, $i: ID!, $n: Int, $c: Colour) " \
        "{ echo(text: $t, ident: $i, count: $n, colour: $c) }"


async def _context(request: Any, response: Any, viewer: Any) -> dict[str, Any]:
    return {"request": request, "response": response, "viewer": viewer}


@contextlib.asynccontextmanager
async def _lifespan(_: Starlette) -> AsyncIterator[None]:
    yield


@pytest.fixture(scope="module")
def http() -> TestClient:
    return TestClient(build_app(name="test", schema=_SCHEMA, context_factory=_context,
                                router_secret="s3cret", lifespan=_lifespan))


def _codes(response: Any) -> list[str]:
    body = response.json()  # never plain text
    assert "Traceback" not in response.text
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize("variables", [
    {"t": "\ud800x", "i": "a"},
    {"t": "a", "i": "x\udfff"},
    {"t": "a", "i": "a", "n": 1, "c": "RED", "\udc00": 1},
])
def test_lone_surrogates_are_bad_input(http: TestClient, variables: dict[str, Any]) -> None:
    # Sent as the JSON escape (\ud800), which is how a client can send one at all.
    body = json.dumps({"query": _ECHO, "variables": variables})
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert _codes(response) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("variables", [
    {"t": "a\x00b", "i": "a"},
    {"t": "a", "i": "\x00"},
    {"t": "a", "i": "a", "\x00": 1},
])
def test_nul_characters_in_variables_are_bad_input(
    http: TestClient, variables: dict[str, Any]
) -> None:
    # PostgreSQL's text cannot hold U+0000: refused before any resolver could write it.
    body = json.dumps({"query": _ECHO, "variables": variables})
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert _codes(response) == ["BAD_USER_INPUT"]
    assert "U+0000" in response.json()["errors"][0]["message"]


def test_a_nul_character_in_a_literal_is_bad_input(http: TestClient) -> None:
    response = http.post("/graphql", json={"query": '{ echo(text: "a\\u0000", ident: "x") }'})
    assert _codes(response) == ["BAD_USER_INPUT"]
    # The escape written as text (a backslash, then u0000) is an ordinary string: it reaches
    # the resolver, which finds it too long.
    query = "query($t: String!) { echo(text: $t, ident: 1) }"
    escaped = http.post("/graphql", json={"query": query, "variables": {"t": "\\u0000"}})
    assert escaped.json()["errors"][0]["message"].startswith("Too long")


@pytest.mark.parametrize("variables", [
    {"t": "a", "i": "a", "n": "many"},       # wrong type
    {"t": "a"},                               # missing variable
    {"t": "a", "i": "a", "c": "GREEN"},       # not in the enum
    {"t": "a", "i": "a", "n": 2**63},         # over Int's 32 bits
    {"t": ["a"], "i": "a"},                   # a list for a String
])
def test_variable_coercion_errors_are_bad_input(
    http: TestClient, variables: dict[str, Any]
) -> None:
    response = http.post("/graphql", json={"query": _ECHO, "variables": variables})
    assert _codes(response) == ["BAD_USER_INPUT"]


def test_refusals_before_graphql_are_json_with_a_code(http: TestClient) -> None:
    xml = http.post("/graphql", content="<a/>", headers={"content-type": "application/xml"})
    assert xml.status_code == 415 and _codes(xml) == ["UNSUPPORTED_MEDIA_TYPE"]
    broken = http.post("/graphql", content="{", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and _codes(broken) == ["BAD_REQUEST"]
    big = http.post("/graphql", content=b" " * (1024 * 1024 + 1),
                    headers={"content-type": "application/json"})
    assert big.status_code == 413 and _codes(big) == ["PAYLOAD_TOO_LARGE"]


def test_inputs_are_echoed_briefly(http: TestClient) -> None:
    long = "x" * 10_000
    response = http.post("/graphql", json={"query": _ECHO, "variables": {"t": long, "i": "a"}})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(error["message"]) < 2 * MAX_ECHO + 50
    assert all(len(str(value)) <= MAX_ECHO + 1 for value in error["extensions"].values())
    coercion = http.post("/graphql", json={"query": _ECHO, "variables": {"t": "a", "i": "a",
                                                                         "c": long}})
    assert len(coercion.json()["errors"][0]["message"]) < 4 * MAX_ECHO + 10


@pytest.mark.parametrize("offset", [2**31, 2**63, 2**64 + 5, -1])
def test_cursor_offsets_out_of_range_are_bad_input(http: TestClient, offset: int) -> None:
    cursor = base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()
    with pytest.raises(BadInput):
        decode_cursor(cursor)
    response = http.post("/graphql", json={
        "query": "query($a: String) { items(first: 2, after: $a) { totalCount } }",
        "variables": {"a": cursor},
    })
    assert _codes(response) == ["BAD_USER_INPUT"]


def test_page_size_from_a_variable_counts_in_the_cost(http: TestClient) -> None:
    query = "query($n: Int) { items(first: $n) { edges { node { name } } } }"
    cheap = http.post("/graphql", json={"query": query, "variables": {"n": 5}})
    assert "errors" not in cheap.json()
    # Nested the way the query was: 100 x 10 x 10 through variables.
    nested = ("query($n: Int, $m: Int) { a: items(first: $n) { edges { node { name } } } "
              + " ".join(f"b{i}: items(first: $m) {{ edges {{ node {{ name }} }} }}"
                         for i in range(25)) + " }")
    costly = http.post("/graphql", json={"query": nested, "variables": {"n": 100, "m": 100}})
    assert _codes(costly) == ["QUERY_TOO_COMPLEX"]
    same_text_cheap = http.post("/graphql", json={"query": nested, "variables": {"n": 1, "m": 1}})
    assert "errors" not in same_text_cheap.json()


_EDGE_STRINGS = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["", "\x00", "\ud800", "\udfff", "a\ud800b", "\U0010ffff", "\U0001d54f" * 30,
                     "'\"\\", "x" * 5000, "null", "{}", "$var"]),
)
_EDGE_VALUES = st.one_of(
    _EDGE_STRINGS, st.integers(min_value=-(2**70), max_value=2**70), st.none(), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={"t": _EDGE_VALUES, "i": _EDGE_VALUES,
                                           "n": _EDGE_VALUES, "c": _EDGE_VALUES}))
def test_edge_case_variables_never_cause_server_errors(
    http: TestClient, variables: dict[str, Any]
) -> None:
    body = json.dumps({"query": _ECHO, "variables": variables})
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code < 500
    for code in _codes(response):
        assert code in {"BAD_USER_INPUT"}, response.text[:300]

"""Through the real router: the cost limit over the whole federated operation, bad input,
request limits, CORS and CSRF prevention."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.stack import Router

# The query of issue 15: 100 titles x 10 similar x 10 similar, accepted before.
ISSUE_QUERY = "{titles(first:100){edges{node{id similar(first:10){id similar(first:10){id}}}}}}"
BY_VARIABLES = """query($n: Int, $m: Int!) { titles(first: $n) { edges { node { id
  similar(first: $m) { id similar(first: $m) { id } } } } } }"""
# The worst accepted shape of that query: 100 titles x 10 similar (estimated cost 1,201).
WORST_ACCEPTED = "{titles(first:100){edges{node{id similar(first:10){id title}}}}}"


def _codes(result: dict) -> list[str]:
    assert "Traceback" not in json.dumps(result)
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]


def _post(stack: Stack, body: bytes | str, content_type: str = "application/json",
          **headers: str) -> httpx.Response:
    return httpx.post(stack.router_url, content=body, timeout=30,
                      headers={"content-type": content_type, **headers})


def test_the_issues_query_is_refused_before_any_subgraph_runs(router: Router) -> None:
    result = router.execute(ISSUE_QUERY)
    assert result.get("data") is None
    assert _codes(result) == ["COST_ESTIMATED_TOO_EXPENSIVE"]
    assert result["errors"][0]["extensions"]["cost"]["estimated"] > 5000


def test_page_sizes_in_variables_count(router: Router) -> None:
    refused = router.execute(BY_VARIABLES, {"n": 100, "m": 10})
    assert _codes(refused) == ["COST_ESTIMATED_TOO_EXPENSIVE"]
    # An absent `first` is the default page of 20: 20 x 25 x 25 is too much.
    assert _codes(router.execute(BY_VARIABLES, {"m": 25})) == ["COST_ESTIMATED_TOO_EXPENSIVE"]
    accepted = router.execute(BY_VARIABLES, {"n": 3, "m": 2})
    assert "errors" not in accepted, accepted
    assert len(accepted["data"]["titles"]["edges"]) == 3


def test_the_worst_accepted_shape_still_answers(router: Router) -> None:
    result = router.execute(WORST_ACCEPTED)
    assert "errors" not in result, str(result)[:500]
    assert len(result["data"]["titles"]["edges"]) == 100


@pytest.mark.parametrize("variables", [{"q": "\ud800x"}, {"q": "x\udc00"}])
def test_lone_surrogates_are_bad_input(stack: Stack, variables: dict) -> None:
    body = json.dumps({"query": "query($q: String!) { search(query: $q) { totalCount } }",
                       "variables": variables})
    response = _post(stack, body)
    assert response.status_code == 400
    assert _codes(response.json()) == ["BAD_USER_INPUT"]


def test_lone_surrogate_in_an_id_is_bad_input(stack: Stack) -> None:
    body = json.dumps({"query": "query($id: ID!) { title(id: $id) { id } }",
                       "variables": {"id": "\ud800"}})
    assert _codes(_post(stack, body).json()) == ["BAD_USER_INPUT"]


def test_nul_characters_are_bad_input(stack: Stack, router: Router) -> None:
    # PostgreSQL cannot store U+0000; a device name holding one was a server error there.
    token = router.login(MovieLens().users[3].email)
    mutation = "mutation($n: String!) { registerDevice(input: {name: $n, kind: TV}) { id } }"
    for body in (
        json.dumps({"query": mutation, "variables": {"n": "tv\x00"}}),
        json.dumps({"query": 'mutation { registerDevice(input: {name: "tv\\u0000", kind: TV})'
                             " { id } }"}),
    ):
        answer = _post(stack, body, authorization=f"Bearer {token}")
        assert _codes(answer.json()) == ["BAD_USER_INPUT"], answer.text


@pytest.mark.parametrize(("query", "variables"), [
    ("query($n: Int) { titles(first: $n) { totalCount } }", {"n": "many"}),
    ("query($id: ID!) { title(id: $id) { id } }", {}),
    ("query($r: CreditRole) { titles(first: 1) { edges { node { credits(role: $r) "
     "{ order } } } } }", {"r": "NOPE"}),
    ("query($n: Int) { titles(first: $n) { totalCount } }", {"n": 2**63}),
])
def test_variable_coercion_errors_are_bad_input(
    router: Router, query: str, variables: dict
) -> None:
    assert _codes(router.execute(query, variables)) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("offset", [2**63, 2**64, 2**31])
def test_cursor_offsets_out_of_range_are_bad_input(router: Router, offset: int) -> None:
    cursor = base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()
    result = router.execute("query($a: String) { titles(first: 2, after: $a) { totalCount } }",
                            {"a": cursor})
    assert _codes(result) == ["BAD_USER_INPUT"]


def test_inputs_are_echoed_briefly_and_nothing_internal_shows(router: Router) -> None:
    long = "a" * 10_000
    result = router.execute("query($id: ID!) { title(id: $id) { id } }", {"id": long})
    assert _codes(result) == ["BAD_USER_INPUT"]
    text = json.dumps(result)
    assert len(text) < 600
    for internal in ("serviceName", "originalError", "127.0.0.1", "stack"):
        assert internal not in text


def test_unsupported_media_type_says_why(stack: Stack) -> None:
    response = _post(stack, "<query/>", "application/xml")
    assert response.status_code == 415
    assert _codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]


def test_bodies_over_the_limit_are_refused(stack: Stack) -> None:
    body = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * 300_000}})
    response = _post(stack, body)
    assert response.status_code == 413
    assert _codes(response.json()) == ["PAYLOAD_TOO_LARGE"]


def test_form_posts_do_not_execute(stack: Stack) -> None:
    """CSRF: a browser sends a form cross-site without a preflight; it must not run."""
    form = "query=" + httpx.QueryParams({"q": "{ titles(first: 1) { totalCount } }"})["q"]
    response = _post(stack, form, "application/x-www-form-urlencoded")
    assert response.status_code == 403
    assert "data" not in response.json() or response.json()["data"] is None
    bare_get = httpx.get(stack.router_url, params={"query": "{ __typename }"}, timeout=30)
    assert bare_get.status_code == 403
    with_header = httpx.get(stack.router_url, params={"query": "{ __typename }"},
                            headers={"x-graphql-csrf": "1"}, timeout=30)
    assert with_header.json() == {"data": {"__typename": "Query"}}


def test_cors_does_not_echo_an_unknown_origin(stack: Stack) -> None:
    origin = "https://evil.example"
    preflight = httpx.options(stack.router_url, timeout=30, headers={
        "origin": origin, "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type"})
    assert preflight.headers.get("access-control-allow-origin") != origin
    response = _post(stack, json.dumps({"query": "{ __typename }"}), origin=origin)
    assert response.headers.get("access-control-allow-origin") not in (origin, "*")
    assert response.headers.get("access-control-allow-credentials") != "true"

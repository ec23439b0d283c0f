"""Through the real router: bad input, missing identity, other users' data and abusive queries."""

from __future__ import annotations

import uuid

import pytest

from mediagateway.movielens import MovieLens
from tests.support.stack import Router


def _codes(result: dict) -> list[str]:
    assert "Traceback" not in str(result)
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]


def test_unknown_title_is_not_found(router: Router) -> None:
    result = router.execute("query($id: ID!) { title(id: $id) { title } }",
                            {"id": str(uuid.uuid4())})
    assert _codes(result) == ["NOT_FOUND"]


def test_malformed_id_is_bad_input(router: Router) -> None:
    result = router.execute('{ title(id: "42; DROP TABLE title") { title } }')
    assert _codes(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("first", [0, 1000])
def test_page_size_outside_limits_is_bad_input(router: Router, first: int) -> None:
    result = router.execute("query($n: Int) { titles(first: $n) { totalCount } }", {"n": first})
    assert _codes(result) == ["BAD_USER_INPUT"]


def test_private_field_without_token_is_unauthenticated(router: Router) -> None:
    assert _codes(router.execute("{ me { email } }")) == ["UNAUTHENTICATED"]


def test_invalid_token_is_refused(router: Router) -> None:
    result = router.execute("{ me { id } }", token="not.a.jwt")
    assert _codes(result) == ["UNAUTHENTICATED"] or result.get("errors")


def test_user_cannot_read_another_users_data(router: Router) -> None:
    users = MovieLens().users
    token = router.login(users[0].email)
    result = router.execute(
        "query($id: ID!) { user(id: $id) { email watchlist { totalCount } } }",
        {"id": str(users[1].id)}, token=token,
    )
    assert "FORBIDDEN" in _codes(result)
    assert users[1].email not in str(result)


def test_depth_limit_rejects_deep_query(router: Router) -> None:
    query = "{ titles(first: 1) { edges { node { " + "parent { " * 14 + "id" + " }" * 14 + \
        " } } } }"
    result = router.execute(query)
    assert result.get("data") is None
    assert all(code for code in _codes(result)) and _codes(result)


def test_complexity_limit_rejects_expensive_query(router: Router) -> None:
    query = """{ titles(first: 100) { edges { node {
      similar(first: 100) { similar(first: 100) { id title } } } } } }"""
    result = router.execute(query)
    # Refused by the router's estimate of the whole federated operation.
    assert "COST_ESTIMATED_TOO_EXPENSIVE" in _codes(result)

"""Edge-case *variables* to every argument of every query and mutation, through the real router
(schemathesis writes arguments inline, so values only a variable can carry are sent here):
lone surrogates, huge integers, wrong types, nulls, nested garbage. The answer is never a
server error, every error has a code, and none is INTERNAL_SERVER_ERROR.

The operations come from the router's own introspection, so the test grows with the graph.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    build_client_schema,
    get_introspection_query,
    get_named_type,
    is_composite_type,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.answers import assert_well_refused
from tests.support.stack import Router

EXAMPLES_PER_OPERATION = 2
# They end the caller's session or account: later calls would then fail for that reason.
# Sign-ins and sign-ups are limited per address: the other tests of the session sign in too.
_SKIPPED = {"logout", "deleteAccount", "revokeSessions", "changePassword", "login", "register"}

_EDGE_VALUES = st.sampled_from([
    None, "", "\ud800", "x\udfff", "a\ud83d", "\x00", "x" * 10_000, "'; DROP TABLE title; --",
    "\U0001f600" * 50, "00000000-0000-0000-0000-000000000000", "not-a-uuid", "NaN",
    0, -1, 2**31, 2**63, -(2**63) - 1, 2**70, 1.5, 1e300, True, False,
    [], [None], ["\ud800"], [2**63] * 3, {}, {"id": "\ud800"}, {"first": 2**63}, [[[]]],
])


def _operations(schema: Any) -> list[tuple[str, str, GraphQLField]]:
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if not isinstance(root, GraphQLObjectType):
            continue
        for name, field in root.fields.items():
            if name.startswith("_") or name in _SKIPPED or not field.args:
                continue
            found.append((kind, name, field))
    return found


def _document(kind: str, name: str, field: GraphQLField) -> str:
    declared = ", ".join(f"${arg}: {definition.type}" for arg, definition in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    return f"{kind} Fuzz({declared}) {{ {name}({passed}){selection} }}"



@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_edge_case_variables_to_every_argument(
    stack: Stack, router: Router, signed_in: bool
) -> None:
    introspection = router.execute(get_introspection_query())
    schema = build_client_schema(introspection["data"])
    operations = _operations(schema)
    assert len(operations) > 15
    headers = {"content-type": "application/json"}
    if signed_in:
        headers["authorization"] = f"Bearer {router.login(MovieLens().users[6].email)}"
    http = httpx.Client(timeout=30)

    cases = st.sampled_from(operations).flatmap(lambda op: st.tuples(
        st.just(op), st.fixed_dictionaries({arg: _EDGE_VALUES for arg in op[2].args})))

    @settings(max_examples=EXAMPLES_PER_OPERATION * len(operations), deadline=None,
              database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def run(case: tuple[tuple[str, str, GraphQLField], dict[str, Any]]) -> None:
        (kind, name, field), variables = case
        # The standard library writes a lone surrogate as its JSON escape, as a client would.
        body = json.dumps({"query": _document(kind, name, field), "variables": variables})
        assert_well_refused(http.post(stack.router_url, content=body, headers=headers), name)

    try:
        run()
    finally:
        http.close()

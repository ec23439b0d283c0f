"""Schemathesis through the real router: every query and mutation of the supergraph, with valid
and invalid arguments, anonymous and signed in. No answer is a server error, every error carries
a code, and none is INTERNAL_SERVER_ERROR.

Bounded (a few examples an operation and mode), so the whole run stays near a minute; the
Hypothesis tests in tests/common send the edge-case *variables* schemathesis does not (it writes
arguments inline).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from tests.support.answers import assert_well_refused
from tests.support.stack import Router

EXAMPLES = 3
# Refused by the router before any subgraph sees it: they answer with a code of their own.
_ALLOWED_WITHOUT_DATA = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"}
# Operations that change the caller's account so that later calls would fail for other reasons.
# Sign-ins and sign-ups are limited per address: the other tests of the session sign in too.
_SKIPPED = {"logout", "deleteAccount", "revokeSessions", "changePassword", "login", "register"}


def _operations(stack: Stack) -> list[Any]:
    schema = schemathesis.graphql.from_url(stack.router_url, timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    return [op for op in operations if op.label.split(".")[-1] not in _SKIPPED]



@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["positive", "negative"])
def test_no_operation_answers_with_a_server_error(
    stack: Stack, router: Router, signed_in: bool, mode: GenerationMode
) -> None:
    headers = {}
    if signed_in:
        headers["authorization"] = f"Bearer {router.login(MovieLens().users[5].email)}"
    operations = _operations(stack)
    assert len(operations) > 20  # the whole supergraph, not a part of it
    strategy = st.one_of(*[op.as_strategy(generation_mode=mode) for op in operations])

    @settings(max_examples=EXAMPLES * len(operations), deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(headers=headers, timeout=30)
        assert_well_refused(response, case.operation.label)

    run()

"""Account deletion through the real router: the account goes at once, every sign-in ends,
each subgraph erases what it held of the user and confirms, and afterwards no row of any
subgraph's database names the user."""

from __future__ import annotations

import time
import uuid

from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack
from subgraphs.content.graph.adapters.repository import viewer_key
from tests.support.stack import DEMO_PASSWORD, Router
from tests.support.user_rows import rows_naming

SUBGRAPHS = ("users", "content", "recommendations", "playback")
DELETE = """mutation($p: String!) { deleteAccount(input: {password: $p}) {
  receipt deletion { requestedAt complete erasedIn pendingIn } } }"""
PROGRESS = """query($r: String!) { accountDeletion(receipt: $r) {
  complete erasedIn pendingIn } }"""


def _codes(result: dict) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


def _everywhere(stack: Stack, user_id: str) -> dict[str, dict[str, int]]:
    needles = [user_id, uuid.UUID(user_id).hex, viewer_key(user_id)]
    return {name: rows_naming(name, stack.env, needles) for name in SUBGRAPHS}


def test_a_deleted_account_leaves_no_row_in_any_subgraph(router: Router, stack: Stack) -> None:
    user = MovieLens().users[-4]  # an account no other test signs in as
    token = router.login(user.email)
    user_id = router.execute("{ me { id } }", token=token)["data"]["me"]["id"]
    title = router.execute("{ titles(first: 1) { edges { node { id } } } }")[
        "data"]["titles"]["edges"][0]["node"]["id"]
    # Something of the user in every subgraph: a device, a watchlist entry, feedback, a profile.
    for query, variables in [
        ("mutation($t: ID!) { addToWatchlist(titleId: $t) { title { id } } }", {"t": title}),
        ("mutation { registerDevice(input: {name: \"Phone\", kind: PHONE}) { id } }", {}),
        ("mutation($t: ID!) { recommendationFeedback(titleId: $t, signal: LIKE) { signal } }",
         {"t": title}),
        ("mutation { createProfile(input: {name: \"Kid\", isKid: true}) { profile { id } } }",
         {}),
    ]:
        answer = router.execute(query, variables, token=token)
        assert "errors" not in answer, answer
    wait_for_consumers(stack.env["REDIS_URL"])
    before = _everywhere(stack, user_id)
    assert all(before[name] for name in SUBGRAPHS), before  # the scan finds what is there

    wrong = router.execute(DELETE, {"p": "not-the-password"}, token=token)
    assert _codes(wrong) == ["BAD_USER_INPUT"], wrong
    deleted = router.execute(DELETE, {"p": DEMO_PASSWORD}, token=token)
    assert "errors" not in deleted, deleted
    receipt = deleted["data"]["deleteAccount"]["receipt"]
    assert deleted["data"]["deleteAccount"]["deletion"]["requestedAt"]

    # Signed out everywhere at once, and the password no longer signs in.
    time.sleep(1.1)
    assert _codes(router.execute("{ me { id } }", token=token)) == ["UNAUTHENTICATED"]
    login = router.execute(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        {"e": user.email, "p": DEMO_PASSWORD})
    assert _codes(login) == ["UNAUTHENTICATED"], login

    deadline = time.monotonic() + 60
    while True:
        progress = router.execute(PROGRESS, {"r": receipt})["data"]["accountDeletion"]
        if progress["complete"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert progress == {"complete": True, "pendingIn": [],
                        "erasedIn": ["content", "recommendations", "playback"]}, progress
    after = _everywhere(stack, user_id)
    assert after == {name: {} for name in SUBGRAPHS}, after
    assert router.execute(PROGRESS, {"r": "no-such-receipt"})["data"]["accountDeletion"] is None


EXPORT = """{ me { dataExport { account content recommendations playback } } }"""


def test_the_data_export_gathers_every_subgraphs_part_for_the_user_only(
    router: Router, stack: Stack
) -> None:
    data = MovieLens()
    user = data.users[-5]
    token = router.login(user.email)
    user_id = router.execute("{ me { id } }", token=token)["data"]["me"]["id"]
    device = router.execute(
        "mutation { registerDevice(input: {name: \"Laptop\", kind: WEB}) { id } }", token=token)
    assert "errors" not in device, device
    wait_for_consumers(stack.env["REDIS_URL"])
    answer = router.execute(EXPORT, token=token)
    assert "errors" not in answer, answer
    export = answer["data"]["me"]["dataExport"]
    [account] = export["account"]["user_account"]
    assert account["email"] == user.email
    assert export["account"]["viewing_event"] and export["account"]["profile"]
    assert export["recommendations"]["interaction"]
    assert export["content"]["title_viewer"]  # the hashed viewer key's viewings
    devices = export["playback"]["device"]  # the demo user's seeded devices and the new one
    assert "Laptop" in [d["name"] for d in devices]
    assert {str(d["user_id"]) for d in devices} == {user_id}
    text = str(export)
    assert "password_hash" not in text and "pin_hash" not in text
    # Nobody else's.
    someone = router.execute("query($id: ID!) { user(id: $id) { dataExport { account } } }",
                             {"id": str(uuid.uuid4())}, token=token)
    assert _codes(someone) == ["FORBIDDEN"], someone

"""deleteAccount over the users app's real HTTP: the account goes with its announcement
(through the outbox), and the deletion's receipt shows the other subgraphs' answers."""

from __future__ import annotations

import time
import uuid

from redis import Redis

from subgraphs.common.erasure import user_erased
from tests.users.conftest import PASSWORD, UsersClient, error_codes, events_of

OWNER = "read:watchlist write:watchlist read:history write:history playback:control profile account"
DELETE = """mutation($p: String!) { deleteAccount(input: {password: $p}) {
  receipt deletion { requestedAt complete erasedIn pendingIn } } }"""
PROGRESS = """query($r: String!) { accountDeletion(receipt: $r) {
  complete erasedIn pendingIn } }"""
ME = "{ me { id } }"


def _progress(users: UsersClient, receipt: str) -> dict | None:
    return users.execute(PROGRESS, {"r": receipt})["data"]["accountDeletion"]


def test_deleting_an_account_announces_it_and_counts_the_answers(
    users: UsersClient, redis: Redis
) -> None:
    user_id = users.new_user()
    # Refused and nothing deleted: a wrong password, a sign-in without the `account` scope.
    assert error_codes(users.execute(DELETE, {"p": "wrong password!"}, user_id=user_id,
                                     scope=OWNER)) == ["BAD_USER_INPUT"]
    assert error_codes(users.execute(DELETE, {"p": PASSWORD}, user_id=user_id,
                                     scope="read:watchlist")) == ["FORBIDDEN"]
    assert users.execute(ME, user_id=user_id)["data"]["me"]["id"] == str(user_id)
    assert not events_of(redis, "user.deleted", user_id=str(user_id))

    answer = users.execute(DELETE, {"p": PASSWORD}, user_id=user_id, scope=OWNER)
    assert "errors" not in answer, answer
    payload = answer["data"]["deleteAccount"]
    assert payload["deletion"]["pendingIn"] == ["content", "recommendations", "playback"]
    assert payload["deletion"]["complete"] is False
    assert users.execute(ME, user_id=user_id)["data"]["me"] is None
    [announced] = events_of(redis, "user.deleted", user_id=str(user_id))
    # Deleting again: there is no account any more.
    again = users.execute(DELETE, {"p": PASSWORD}, user_id=user_id, scope=OWNER)
    assert error_codes(again) == ["UNAUTHENTICATED"], again

    # The other subgraphs answer (here, as they would); a redelivered answer counts once.
    for subgraph in ("content", "playback", "playback", "recommendations"):
        redis.xadd("user.erased", user_erased(user_id, subgraph).encode())  # type: ignore[arg-type]
        if subgraph == "content":
            deadline = time.monotonic() + 10
            while _progress(users, payload["receipt"])["erasedIn"] != ["content"]:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    deadline = time.monotonic() + 10
    while not (progress := _progress(users, payload["receipt"]))["complete"]:
        assert time.monotonic() < deadline, progress
        time.sleep(0.05)
    assert progress == {"complete": True, "pendingIn": [],
                        "erasedIn": ["content", "recommendations", "playback"]}
    assert _progress(users, "not-a-receipt") is None
    assert announced.id == events_of(redis, "user.deleted", user_id=str(user_id))[0].id
    assert uuid.UUID(announced.payload["user_id"]) == user_id


EXPORT = "{ me { dataExport { account } } }"


def test_the_export_is_the_users_own_and_keeps_secrets_out(users: UsersClient) -> None:
    user_id = users.new_user(displayName="Grace")
    assert error_codes(users.execute(EXPORT, user_id=user_id, scope="read:watchlist")) == [
        "FORBIDDEN"]
    answer = users.execute(EXPORT, user_id=user_id, scope=OWNER)
    assert "errors" not in answer, answer
    account = answer["data"]["me"]["dataExport"]["account"]
    assert [row["display_name"] for row in account["user_account"]] == ["Grace"]
    assert [row["name"] for row in account["profile"]] == ["Grace"]
    assert "password_hash" not in account["user_account"][0]
    assert account["watchlist_item"] == [] and account["viewing_event"] == []

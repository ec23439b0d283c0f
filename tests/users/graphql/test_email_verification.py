"""Email verification over the users app's real HTTP: sign-up mails a single-use link (and
code), opening it verifies the address, `requestEmailVerification` sends another (5 an hour),
and the SMTP mailer speaks to a real SMTP server."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller

from mediagateway.redis_server import free_port
from subgraphs.common.settings import ServiceSettings
from subgraphs.users.adapters.mailer import Mail, SmtpMailer
from subgraphs.users.settings import Settings
from tests.support.inprocess import SECRET, run_subgraph
from tests.users.conftest import UsersClient, error_codes

OWNER = "read:watchlist write:watchlist read:history write:history playback:control profile account"
ME = "{ me { email emailVerified emailVerifiedAt } }"
REQUEST = "mutation { requestEmailVerification { sentTo } }"
VERIFY = "mutation($t: String!) { verifyEmail(token: $t) { verifiedAt } }"


def _mails_to(address: str, at_least: int = 1, timeout: float = 10.0) -> list[dict]:
    """The mails the local mailer wrote for `address` (registration sends in the background)."""
    outbox = Path(os.environ["MG_DATA_DIR"]) / "mail" / "outbox.jsonl"
    deadline = time.monotonic() + timeout
    while True:
        lines = outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []
        mails = [m for m in map(json.loads, lines) if m["to"] == address]
        if len(mails) >= at_least or time.monotonic() > deadline:
            return mails
        time.sleep(0.05)


def _code(mail: dict) -> str:
    return re.search(r"code in the app: (\S+)", mail["body"])[1]  # type: ignore[index]


def _new_account(users: UsersClient) -> tuple[uuid.UUID, str]:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    answer = users.register(email)
    assert "errors" not in answer, answer
    return uuid.UUID(answer["data"]["register"]["user"]["id"]), email


def test_the_sign_up_mail_s_link_verifies_the_address_once(users: UsersClient) -> None:
    user_id, email = _new_account(users)
    assert users.execute(ME, user_id=user_id)["data"]["me"] == {
        "email": email, "emailVerified": False, "emailVerifiedAt": None}
    [mail] = _mails_to(email)
    assert mail["subject"] == "Confirm your email address"
    link = re.search(r"http\S+/account/verify-email\?token=\S+", mail["body"])[0]  # type: ignore[index]
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert token == _code(mail)

    page = users.client.http.get(f"{urlsplit(link).path}?{urlsplit(link).query}")
    assert page.status_code == 200 and "verified" in page.text
    me = users.execute(ME, user_id=user_id)["data"]["me"]
    assert me["emailVerified"] is True and me["emailVerifiedAt"]
    # Good once: the link and the code are spent.
    again = users.client.http.get(f"{urlsplit(link).path}?{urlsplit(link).query}")
    assert again.status_code == 400 and "not valid" in again.text
    spent = users.execute(VERIFY, {"t": token})
    assert error_codes(spent) == ["BAD_USER_INPUT"], spent
    assert spent["errors"][0]["extensions"]["reason"] == "INVALID_TOKEN"
    # Nothing more to send.
    assert error_codes(users.execute(REQUEST, user_id=user_id, scope=OWNER)) == ["CONFLICT"]


def test_a_requested_code_verifies_through_graphql_and_requests_are_limited(
    users: UsersClient,
) -> None:
    user_id, email = _new_account(users)
    _mails_to(email)  # the sign-up mail
    assert error_codes(users.execute(REQUEST)) == ["UNAUTHENTICATED"]
    assert error_codes(users.execute(REQUEST, user_id=user_id,
                                     scope="read:watchlist")) == ["FORBIDDEN"]
    sent = users.execute(REQUEST, user_id=user_id, scope=OWNER)
    assert sent["data"]["requestEmailVerification"] == {"sentTo": email}, sent
    latest = _mails_to(email, at_least=2)[-1]
    for guess in ("", "x" * 300, "not-a-code"):
        assert error_codes(users.execute(VERIFY, {"t": guess})) == ["BAD_USER_INPUT"]
    verified = users.execute(VERIFY, {"t": _code(latest)})
    assert "errors" not in verified, verified
    assert users.execute(ME, user_id=user_id)["data"]["me"]["emailVerified"] is True

    # Another account asks too often: the sixth request within the hour is refused.
    other, _ = _new_account(users)
    for _ in range(5):
        assert "errors" not in users.execute(REQUEST, user_id=other, scope=OWNER)
    assert error_codes(users.execute(REQUEST, user_id=other, scope=OWNER)) == ["RATE_LIMITED"]


def test_a_mail_server_that_is_down_is_a_clear_error(database_url: str, redis_url: str) -> None:
    shared = ServiceSettings(name="users", database_url=database_url, redis_url=redis_url,
                             router_secret=SECRET)
    down = Settings.extending(shared, {"MG_USERS_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"})
    with run_subgraph("users", database_url, redis_url, settings=down) as client:
        users = UsersClient(client)
        user_id, _ = _new_account(users)
        answer = users.execute(REQUEST, user_id=user_id, scope=OWNER)
        assert error_codes(answer) == ["SERVICE_UNAVAILABLE"], answer
        assert "try again" in answer["errors"][0]["message"]


class _Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


async def test_the_smtp_mailer_delivers_to_a_real_smtp_server() -> None:
    inbox, port = _Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "Media Gateway <no-reply@example.com>")
        await mailer.send(Mail(to="ada@example.com", subject="Confirm", body="Hello Ada"))
    finally:
        controller.stop()
    [(sender, recipients, content)] = inbox.received
    assert sender == "no-reply@example.com" and recipients == ["ada@example.com"]
    assert b"Subject: Confirm" in content and b"Hello Ada" in content
    with pytest.raises(ValueError):
        SmtpMailer("http://example.com", "x@example.com")

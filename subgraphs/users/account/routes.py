"""The page a verification mail's link opens: it verifies the address and says so."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from subgraphs.users.account.domain import BadVerificationToken
from subgraphs.users.account.services import VERIFY_PATH, verify_email

__all__ = ["account_routes"]

_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Media Gateway</title>
<body style="font-family: system-ui; max-width: 32rem; margin: 3rem auto">
<h1>{heading}</h1><p>{text}</p></body></html>"""


async def verify_email_page(request: Request) -> HTMLResponse:
    try:
        state = request.app.state
        await verify_email(repo=state.repo, tokens=state.verification,
                           token=request.query_params.get("token", ""), now=datetime.now(UTC))
    except BadVerificationToken as error:
        return HTMLResponse(_PAGE.format(heading="Link not valid", text=escape(str(error))),
                            status_code=400)
    return HTMLResponse(_PAGE.format(heading="Email address verified",
                                     text="Thank you. You can close this page."))


account_routes = [Route(VERIFY_PATH, verify_email_page, methods=["GET"])]

"""The two small HTML pages of the flows: consent (authorization code) and device approval.

Both ask for the email and password on the page itself, so no session cookie exists to be
ridden by another site: a forged form post would have to know the password."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

from subgraphs.users.oauth.domain import SCOPE_DESCRIPTIONS

__all__ = ["consent_page", "device_page", "message_page"]

_STYLE = """<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;
padding:0 1rem}label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem}
.error{color:#b00020}button{margin:.8rem .4rem 0 0;padding:.5rem 1rem}</style>"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<meta name='viewport' content='width=device-width'>{_STYLE}</head>"
            f"<body><h1>{escape(title)}</h1>{body}</body></html>")
    # Never framed by another site (clickjacking the approve button), never cached.
    return HTMLResponse(html, status_code=status, headers={
        "x-frame-options": "DENY", "content-security-policy": "frame-ancestors 'none'",
        "cache-control": "no-store",
    })


def _scopes(scopes: list[str]) -> str:
    items = "".join(f"<li>{escape(SCOPE_DESCRIPTIONS.get(s, s))} <code>{escape(s)}</code></li>"
                    for s in scopes)
    return f"<ul>{items}</ul>"


def _credentials() -> str:
    return ("<label>Email <input name='email' type='email' autocomplete='username' required>"
            "</label><label>Password <input name='password' type='password' "
            "autocomplete='current-password' required></label>")


def _error(error: str | None) -> str:
    return f"<p class='error' role='alert'>{escape(error)}</p>" if error else ""


def consent_page(request_id: str, client_name: str, scopes: list[str],
                 error: str | None = None, status: int = 200,
                 unverified: bool = False) -> HTMLResponse:
    # An app that registered itself chose its own name: say so, so none passes for ours.
    notice = ("<p class='notice'>This app registered itself; Media Gateway has not verified "
              "its name.</p>") if unverified else ""
    body = (f"{_error(error)}<p><strong>{escape(client_name)}</strong> asks to:</p>{notice}"
            f"{_scopes(scopes)}<form method='post' action='/oauth/authorize'>"
            f"<input type='hidden' name='request_id' value='{escape(request_id)}'>"
            f"{_credentials()}<button name='decision' value='approve'>Allow</button>"
            "<button name='decision' value='deny' formnovalidate>Deny</button></form>")
    return _page("Sign in to Media Gateway", body, status)


def device_page(user_code: str = "", error: str | None = None, status: int = 200,
                done: str | None = None) -> HTMLResponse:
    if done:
        return _page("Device sign-in", f"<p>{escape(done)}</p>", status)
    body = (f"{_error(error)}<p>Enter the code your TV shows.</p>"
            "<form method='post' action='/oauth/device'>"
            f"<label>Code <input name='user_code' value='{escape(user_code)}' "
            "placeholder='BCDF-GHJK' autocapitalize='characters' required></label>"
            f"{_credentials()}<button name='decision' value='approve'>Allow</button>"
            "<button name='decision' value='deny'>Deny</button></form>")
    return _page("Sign in a device", body, status)


def message_page(title: str, message: str, status: int) -> HTMLResponse:
    return _page(title, f"<p>{escape(message)}</p>", status)

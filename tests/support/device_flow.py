"""A person approving a TV's sign-in on the device page, as a browser posts it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from tests.support.stack import DEMO_PASSWORD

__all__ = ["approve_in_browser", "start_on_tv"]


async def start_on_tv(base_url: str, client_id: str, scope: str) -> dict:
    """A TV's device authorization (RFC 8628 §3.1), waiting out a 429 as told, at most one
    window."""
    return (await _waiting_out_limits(lambda http: http.post(
        f"{base_url}/oauth/device_authorization",
        data={"client_id": client_id, "scope": scope}))).json()


async def approve_in_browser(base_url: str, user_code: str, email: str,
                             password: str = DEMO_PASSWORD) -> httpx.Response:
    """Post the approval, waiting out a 429 as told (other tests spend the same address's
    sign-ins), at most one window; the answer must be the page saying the TV is signed in."""
    return await _waiting_out_limits(lambda browser: browser.post(
        f"{base_url}/oauth/device", data={"user_code": user_code, "email": email,
                                          "password": password, "decision": "approve"}))


async def _waiting_out_limits(
    send: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
) -> httpx.Response:
    deadline = time.monotonic() + 75
    async with httpx.AsyncClient(timeout=30) as http:
        while True:
            answer = await send(http)
            wait = float(answer.headers.get("retry-after", 1))
            if answer.status_code != 429 or time.monotonic() + wait > deadline:
                break
            await asyncio.sleep(wait + 0.2)
    assert answer.status_code == 200, answer.text
    return answer

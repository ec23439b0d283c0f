"""The personalisation hook: a per-title score for the viewer, from the recommendations subgraph.

Recommendations owns what a viewer likes; content asks it over HTTP
(`POST /internal/personal-scores`) and never reads its database.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

import httpx

from subgraphs.common.auth import SECRET_HEADER

__all__ = [
    "MAX_TITLES",
    "PERSONAL_SCORES_PATH",
    "HttpPersonalScores",
    "NoPersonalScores",
    "PersonalScores",
    "PersonalScoresUnavailable",
    "personal_scores",
]

PERSONAL_SCORES_PATH = "/internal/personal-scores"
MAX_TITLES = 100  # ids per request, the endpoint's limit; more go in parallel requests


class PersonalScores(Protocol):
    async def scores(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, float]:
        """0..1 per title for this user; titles without a score are left out.

        Raises when the scores could not be had: search then reports `personal` as missing.
        """


class NoPersonalScores:
    """Personalisation switched off: nothing known, so `personal` stays out of the total."""

    async def scores(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, float]:
        return {}


class PersonalScoresUnavailable(Exception):
    """Recommendations did not answer in time, or not with scores."""


class HttpPersonalScores:
    """Scores from the recommendations subgraph, over one keep-alive client.

    The router secret goes along as on every subgraph-to-subgraph call: the endpoint trusts
    no one else. `timeout` bounds the whole call (all chunks), not each socket operation.
    """

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, router_secret: str, timeout: float
    ) -> None:
        self.client = client
        self.url = base_url.rstrip("/") + PERSONAL_SCORES_PATH
        self.headers = {SECRET_HEADER: router_secret}
        self.timeout = timeout

    async def scores(
        self, user_id: uuid.UUID, title_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, float]:
        ids = list(dict.fromkeys(title_ids))
        if not ids:
            return {}
        chunks = [ids[start:start + MAX_TITLES] for start in range(0, len(ids), MAX_TITLES)]
        try:
            async with asyncio.timeout(self.timeout):
                answers = await asyncio.gather(*(self._ask(user_id, chunk) for chunk in chunks))
        except TimeoutError:
            raise PersonalScoresUnavailable(
                f"no answer from {self.url} within {self.timeout * 1000:.0f} ms") from None
        except httpx.HTTPError as error:
            raise PersonalScoresUnavailable(f"{self.url}: {error!r}") from error
        wanted = set(ids)
        return {title_id: score for answer in answers for title_id, score in answer.items()
                if title_id in wanted}

    async def _ask(self, user_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, float]:
        response = await self.client.post(
            self.url, headers=self.headers,
            json={"user_id": str(user_id), "title_ids": [str(i) for i in ids]},
        )
        if response.status_code != 200:
            raise PersonalScoresUnavailable(f"{self.url} answered {response.status_code}")
        try:
            return _parse(response.json())
        except ValueError as error:  # JSON errors are ValueErrors too
            raise PersonalScoresUnavailable(f"{self.url} answered badly: {error}") from None


def _parse(body: Any) -> dict[uuid.UUID, float]:
    """`{"scores": {"<uuid>": 0..1}}`; anything else is a bad answer, not an empty one."""
    scores = body.get("scores") if isinstance(body, dict) else None
    if not isinstance(scores, dict):
        raise ValueError("no `scores` object")
    out: dict[uuid.UUID, float] = {}
    for key, value in scores.items():
        # bool is an int to Python, never a score.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"score of {key} is not a number")
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ValueError(f"score of {key} is outside 0..1")
        out[uuid.UUID(key)] = float(value)
    return out


@contextlib.asynccontextmanager
async def personal_scores(
    base_url: str | None, router_secret: str, timeout: float
) -> AsyncIterator[PersonalScores]:
    """The scores for an app's lifespan: from recommendations at `base_url`, or none at all
    when it is None (personalisation off).

    Connections are kept alive between searches: a new one costs a handshake the budget
    (a few ms a call) has no room for.
    """
    if not base_url:
        yield NoPersonalScores()
        return
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20,
                            keepalive_expiry=30.0),
        # Settings name the recommendations address; proxies from the environment do not apply.
        trust_env=False,
    )
    try:
        yield HttpPersonalScores(client, base_url, router_secret, timeout)
    finally:
        await client.aclose()

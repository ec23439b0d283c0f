"""A stand-in for recommendations' `POST /internal/personal-scores`, served over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from subgraphs.content.search.adapters.personal import PERSONAL_SCORES_PATH
from tests.support.http_server import serve

__all__ = ["FakeRecommendations", "fake_recommendations"]


@dataclass
class FakeRecommendations:
    """What the endpoint answers, and what it was sent.

    `scores`: title id (text) -> score, answered for the ids asked about (and `extra`, which
    nobody asked about); `delay`: seconds before answering; `status`/`body`: answer that instead.
    """

    url: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0
    status: int = 200
    body: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append({"headers": dict(request.headers), "json": body,
                              "peer": request.client.port if request.client else None})
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.body is not None or self.status != 200:
            return Response(self.body or "", status_code=self.status,
                            media_type="application/json")
        asked = set(body["title_ids"])
        scores = {key: value for key, value in self.scores.items() if key in asked}
        return JSONResponse({"scores": {**scores, **self.extra}})


@contextmanager
def fake_recommendations() -> Iterator[FakeRecommendations]:
    fake = FakeRecommendations()
    app = Starlette(routes=[Route(PERSONAL_SCORES_PATH, fake.endpoint, methods=["POST"])])
    with serve(app) as url:
        fake.url = url
        yield fake

"""Plain HTTP beside `/graphql`: personal scores for content's search, trusted callers only.

Content blends a signed-in user's score into search results; it asks here with the shared
router secret (subgraphs trust nothing else), for at most 100 titles a call.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from subgraphs.common.auth import SECRET_HEADER
from subgraphs.recommendations import services
from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.adapters.cached_repository import CachedRecommendationsRepository

__all__ = ["MODEL_PATH", "PERSONAL_SCORES_PATH", "make_routes"]

PERSONAL_SCORES_PATH = "/internal/personal-scores"
MODEL_PATH = "/model"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def make_routes(repo: CachedRecommendationsRepository, models: ModelHolder, router_secret: str,
                memo: services.ScoresMemo) -> list[Route]:
    async def personal_scores(request: Request) -> JSONResponse:
        secret = request.headers.get(SECRET_HEADER, "")
        if not router_secret or not hmac.compare_digest(secret, router_secret):
            return _error(403, "forbidden")
        try:
            body = await request.json()
            user_id = uuid.UUID(str(body["user_id"]))
            title_ids = [uuid.UUID(str(t)) for t in body["title_ids"]]
        except (ValueError, KeyError, TypeError):
            return _error(400, "expected {user_id, title_ids: [uuid, ...]}")
        if len(title_ids) > services.MAX_SCORED:
            return _error(400, f"at most {services.MAX_SCORED} title ids")
        user = await repo.snapshot(user_id)
        scores = await services.personal_scores(repo, models.model, user_id, user.facts,
                                                user.state, title_ids, memo, user.stamp)
        unit: Callable[[float], float] = services.unit_score
        return JSONResponse({"scores": {str(t): round(unit(s), 6) for t, s in scores.items()},
                             "model_version": models.model.version if models.model else None})

    async def served_model(_: Request) -> JSONResponse:
        """Which model this process serves: for operators, and to wait for a reload."""
        model = models.model
        if model is None:
            return JSONResponse({"version": None})
        # Version and times only: the model's counts describe the business, not for anyone.
        return JSONResponse({"version": model.version, "built_at": model.built_at,
                             "loaded_at": models.loaded_at})

    return [Route(PERSONAL_SCORES_PATH, personal_scores, methods=["POST"]),
            Route(MODEL_PATH, served_model, methods=["GET"])]


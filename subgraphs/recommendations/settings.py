"""Recommendations settings, read once in `create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from subgraphs.common.settings import DEFAULT_DATA_DIR, ServiceSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "recommendations"
MODELS = "subgraphs.recommendations.adapters.orm"


@dataclass(frozen=True)
class Settings(ServiceSettings):
    """Attributes, beyond the shared ones:
        model_dir: where the worker writes model artifacts and serving loads them from
            (`MG_REC_MODEL_DIR`, default `<MG_DATA_DIR>/models/recommendations`).
        retrain_seconds: how often serving asks the worker for a new model when events
            arrived since the last one (`MG_REC_RETRAIN_SECONDS`, 0 = never: training runs
            elsewhere, e.g. a Kubernetes CronJob).
        poll_seconds: how often serving looks for a new artifact (`MG_REC_POLL_SECONDS`).
    """

    model_dir: Path = Path(DEFAULT_DATA_DIR) / "models" / NAME
    retrain_seconds: float = 300.0
    poll_seconds: float = 1.0

    @classmethod
    def extending(cls, base: ServiceSettings, env: Mapping[str, str] | None = None) -> Settings:
        """These settings for `base`'s database and Redis, the rest from the environment."""
        if isinstance(base, Settings):
            return base
        own = cls.from_env(base.name, env)
        return cls(**{**own.__dict__, **base.__dict__})

    @classmethod
    def from_env(cls, name: str = NAME, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = ServiceSettings.from_env(name, env)
        data_dir = Path(env.get("MG_DATA_DIR", DEFAULT_DATA_DIR))
        return cls(
            **base.__dict__,
            model_dir=Path(env.get("MG_REC_MODEL_DIR") or data_dir / "models" / NAME),
            retrain_seconds=float(env.get("MG_REC_RETRAIN_SECONDS", "300")),
            poll_seconds=float(env.get("MG_REC_POLL_SECONDS", "1")),
        )

"""Recommendations settings, read once in `create_app` (or the `train` CLI)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field

from subgraphs.common.settings import DEFAULT_DATA_DIR, ServiceSettings, env_name

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "recommendations"
MODELS = "subgraphs.recommendations.adapters.orm"


class Settings(ServiceSettings):
    """Attributes, beyond the shared ones:
        model_dir: where the worker writes model artifacts and serving loads them from
            (`MG_RECOMMENDATIONS_MODEL_DIR`, default `<MG_DATA_DIR>/models/recommendations`).
        retrain_seconds: how often serving asks the worker for a new model when events
            arrived since the last one (`MG_RECOMMENDATIONS_RETRAIN_SECONDS`, 0 = never:
            training runs elsewhere, e.g. a Kubernetes CronJob).
        poll_seconds: how often serving looks for a new artifact
            (`MG_RECOMMENDATIONS_POLL_SECONDS`).
        charts_refresh_seconds: how often the charts read the viewings and plays stored since
            (`MG_RECOMMENDATIONS_CHARTS_REFRESH_SECONDS`).
        charts_snapshot_seconds: how often changed charts are written as today's ranks
            (`MG_RECOMMENDATIONS_CHARTS_SNAPSHOT_SECONDS`).
    """

    name: str = NAME
    model_dir: Path = Field(
        Path(DEFAULT_DATA_DIR) / "models" / NAME,
        validation_alias=env_name("MG_RECOMMENDATIONS_MODEL_DIR", "MG_REC_MODEL_DIR"))
    retrain_seconds: float = Field(
        300.0,
        validation_alias=env_name("MG_RECOMMENDATIONS_RETRAIN_SECONDS", "MG_REC_RETRAIN_SECONDS"))
    poll_seconds: float = Field(
        1.0,
        validation_alias=env_name("MG_RECOMMENDATIONS_POLL_SECONDS", "MG_REC_POLL_SECONDS"))
    charts_refresh_seconds: float = Field(
        2.0, gt=0, validation_alias=env_name("MG_RECOMMENDATIONS_CHARTS_REFRESH_SECONDS"))
    charts_snapshot_seconds: float = Field(
        30.0, gt=0, validation_alias=env_name("MG_RECOMMENDATIONS_CHARTS_SNAPSHOT_SECONDS"))

    @classmethod
    def derived_defaults(cls, env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
        data_dir = Path(env.get("MG_DATA_DIR", DEFAULT_DATA_DIR))
        return {**super().derived_defaults(env, values), "model_dir": data_dir / "models" / NAME}

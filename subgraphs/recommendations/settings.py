"""Recommendations settings."""

from __future__ import annotations

from subgraphs.common.settings import ServiceSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "recommendations"
MODELS = "subgraphs.recommendations.adapters.orm"
Settings = ServiceSettings

"""Playback settings."""

from __future__ import annotations

from subgraphs.common.settings import ServiceSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "playback"
MODELS = "subgraphs.playback.adapters.orm"
Settings = ServiceSettings

"""Playback settings: the shared ones, and the limits of device sync and subscriptions."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from subgraphs.common.settings import ServiceSettings

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "playback"
MODELS = "subgraphs.playback.adapters.orm"


@dataclass(frozen=True)
class Settings(ServiceSettings):
    """Attributes (besides the shared ones):
        sync_quota_bytes: the most a user's sync document may hold, encoded
            (`MG_SYNC_QUOTA_BYTES`); a write past it is refused with `QUOTA_EXCEEDED`.
        sync_max_drift_s: how far ahead of the server's clock a device's clock stamps may be
            (`MG_SYNC_MAX_DRIFT_S`); stamps behind it are fine (a device offline for a week).
        max_subscriptions_per_user: live subscriptions one user may hold on one playback
            process (`MG_MAX_SUBSCRIPTIONS_PER_USER`); the next is refused with
            `SUBSCRIPTION_LIMIT`.
    """

    sync_quota_bytes: int = 512 * 1024
    sync_max_drift_s: int = 300
    max_subscriptions_per_user: int = 100

    def __post_init__(self) -> None:
        for name in ("sync_quota_bytes", "sync_max_drift_s", "max_subscriptions_per_user"):
            if getattr(self, name) <= 0:
                raise ValueError(f"playback setting {name} must be positive")

    @classmethod
    def from_env(cls, name: str, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls.of(
            ServiceSettings.from_env(name, env),
            sync_quota_bytes=int(env.get("MG_SYNC_QUOTA_BYTES", 512 * 1024)),
            sync_max_drift_s=int(env.get("MG_SYNC_MAX_DRIFT_S", 300)),
            max_subscriptions_per_user=int(env.get("MG_MAX_SUBSCRIPTIONS_PER_USER", 100)),
        )

    @classmethod
    def of(cls, shared: ServiceSettings, **playback: int) -> Settings:
        """Playback's settings from the shared ones (defaults for the rest unless given)."""
        if isinstance(shared, Settings) and not playback:
            return shared
        base = {f.name: getattr(shared, f.name) for f in fields(ServiceSettings)}
        return cls(**base, **playback)

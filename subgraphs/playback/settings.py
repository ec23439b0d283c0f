"""Playback settings: the shared ones, and the limits of device sync and subscriptions."""

from __future__ import annotations

from pydantic import Field

from subgraphs.common.settings import ServiceSettings, env_name

__all__ = ["MODELS", "NAME", "Settings"]

NAME = "playback"
MODELS = "subgraphs.playback.adapters.orm"


class Settings(ServiceSettings):
    """Attributes (besides the shared ones):
        sync_quota_bytes: the most a user's sync document may hold, encoded
            (`MG_PLAYBACK_SYNC_QUOTA_BYTES`); a write past it is refused with `QUOTA_EXCEEDED`.
        sync_max_drift_s: how far ahead of the server's clock a device's clock stamps may be
            (`MG_PLAYBACK_SYNC_MAX_DRIFT_S`); stamps behind it are fine (a device offline for
            a week).
        max_subscriptions_per_user: live subscriptions one user may hold on one playback
            process (`MG_PLAYBACK_MAX_SUBSCRIPTIONS_PER_USER`); the next is refused with
            `SUBSCRIPTION_LIMIT`.
    """

    name: str = NAME
    sync_quota_bytes: int = Field(
        512 * 1024, gt=0,
        validation_alias=env_name("MG_PLAYBACK_SYNC_QUOTA_BYTES", "MG_SYNC_QUOTA_BYTES"))
    sync_max_drift_s: int = Field(
        300, gt=0, validation_alias=env_name("MG_PLAYBACK_SYNC_MAX_DRIFT_S", "MG_SYNC_MAX_DRIFT_S"))
    max_subscriptions_per_user: int = Field(
        100, gt=0, validation_alias=env_name("MG_PLAYBACK_MAX_SUBSCRIPTIONS_PER_USER",
                                             "MG_MAX_SUBSCRIPTIONS_PER_USER"))

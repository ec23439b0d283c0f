"""How much one viewing event says a user likes a title, and how that fades with age."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

__all__ = ["DECAY_PERIOD_DAYS", "DECAY_PER_PERIOD", "decay", "engagement"]

DECAY_PER_PERIOD = 0.95
DECAY_PERIOD_DAYS = 30.0
_LN_DECAY = math.log(DECAY_PER_PERIOD) / DECAY_PERIOD_DAYS


def engagement(
    rating: int | None, completed: bool, progress: float | None = None,
    rewatch: bool = False, dismissed: bool = False,
) -> float:
    """0..1.5: an interaction is a positive signal, stronger when finished, rated or rewatched.

    A low rating still says the user chose the title (the benchmark protocol counts every rating
    as an interaction), so it stays positive but weak; only a dismissal is no signal at all.
    """
    if dismissed:
        return 0.0
    if rating is not None:
        value = 0.6 + 0.1 * rating  # 0.7 for 1 star .. 1.1 for 5
    elif completed:
        value = 1.0
    else:
        value = 0.3 + 0.6 * min(max(progress or 0.0, 0.0), 1.0)
    return value + (0.4 if rewatch else 0.0)


def decay(occurred_at: datetime, now: datetime) -> float:
    """0.95 per 30 days of age; events from the future count in full."""
    age_days = (now - occurred_at).total_seconds() / 86_400.0
    return 1.0 if age_days <= 0 else math.exp(_LN_DECAY * age_days)


def decay_array(age_seconds: np.ndarray) -> np.ndarray:
    """`decay` for ages in seconds; ages below zero count in full."""
    return np.exp(_LN_DECAY * np.maximum(age_seconds, 0.0) / 86_400.0)

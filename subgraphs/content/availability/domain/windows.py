"""The time windows the lists are read in, checked before any query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from subgraphs.content.availability.domain.errors import (
    DayOutOfRange,
    SinceInTheFuture,
    SinceTooOld,
)

__all__ = ["DEFAULT_LOOKBACK_DAYS", "DEFAULT_WITHIN_DAYS", "MAX_LOOKBACK_DAYS",
           "MAX_WITHIN_DAYS", "Window", "leaving_window", "since_window"]

DEFAULT_WITHIN_DAYS = 30
MAX_WITHIN_DAYS = 90
DEFAULT_LOOKBACK_DAYS = 14
# History is kept for ever; the lists look back a season at most, so every query stays on the
# recent end of the (region, kind, at) index.
MAX_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class Window:
    """From `start` (included) to `end` (excluded)."""

    start: datetime
    end: datetime


def leaving_window(now: datetime, within_days: int | None) -> Window:
    """Offers ending after `now` and within `within_days` days of it."""
    days = DEFAULT_WITHIN_DAYS if within_days is None else within_days
    if not 1 <= days <= MAX_WITHIN_DAYS:
        raise DayOutOfRange(days, MAX_WITHIN_DAYS)
    return Window(now, now + timedelta(days=days))


def since_window(now: datetime, since: date | None) -> Window:
    """Changes from the start of day `since` (UTC) up to `now`; `since` defaults to
    `DEFAULT_LOOKBACK_DAYS` ago. Today is allowed, tomorrow is not."""
    if since is None:
        since = (now - timedelta(days=DEFAULT_LOOKBACK_DAYS)).date()
    today = now.astimezone(UTC).date()
    if since > today:
        raise SinceInTheFuture(since)
    if (today - since).days > MAX_LOOKBACK_DAYS:
        raise SinceTooOld(since, MAX_LOOKBACK_DAYS)
    return Window(datetime.combine(since, time(), tzinfo=UTC), now)

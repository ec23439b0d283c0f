"""Arguments of the availability lists that cannot be answered."""

from __future__ import annotations

from subgraphs.common.errors import BadInput

__all__ = ["DayOutOfRange", "SinceInTheFuture", "SinceTooOld", "UnknownRegion"]


class DayOutOfRange(BadInput):
    def __init__(self, days: int, most: int) -> None:
        super().__init__(f"`withinDays` must be between 1 and {most}, got {days}.",
                         field="withinDays")


class SinceInTheFuture(BadInput):
    def __init__(self, since: object) -> None:
        super().__init__(f"`since` must not be in the future, got {since}.", field="since")


class SinceTooOld(BadInput):
    def __init__(self, since: object, most: int) -> None:
        super().__init__(f"`since` may go back at most {most} days, got {since}.", field="since")


class UnknownRegion(BadInput):
    def __init__(self, region: str, known: object) -> None:
        super().__init__(f"The catalog has no offers in region {region!r}; it has {known}.",
                         field="region")

"""Recommendations' domain errors."""

from __future__ import annotations

from subgraphs.common.errors import BadInput

__all__ = ["InvalidCount"]


class InvalidCount(BadInput):
    def __init__(self, first: int, maximum: int) -> None:
        super().__init__(f"`first` must be between 1 and {maximum}, got {first}.", field="first")

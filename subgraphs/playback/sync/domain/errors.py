"""Errors of sync input."""

from __future__ import annotations

from subgraphs.common.errors import BadInput

__all__ = ["InvalidSyncInput"]


class InvalidSyncInput(BadInput):
    """Refused sync input; `reason` says which rule it broke."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason=reason, field="update")

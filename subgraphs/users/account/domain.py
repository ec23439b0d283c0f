"""Account rules and errors, free of GraphQL and storage."""

from __future__ import annotations

from subgraphs.common.errors import BadInput

__all__ = ["WrongPassword"]


class WrongPassword(BadInput):
    def __init__(self, field: str = "currentPassword") -> None:
        super().__init__("That is not your current password.", field=field)

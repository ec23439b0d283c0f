"""Errors a tool reports to the agent: a readable message and a code it can act on."""

from __future__ import annotations

from typing import Any

__all__ = ["BadArguments", "GraphError", "ToolFailure"]


class ToolFailure(Exception):
    """A failure the agent should read: `code` follows the graph's `extensions.code`."""

    def __init__(self, message: str, code: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


class GraphError(ToolFailure):
    """The router refused or could not answer; `code` is the graph's `extensions.code`."""

    def __init__(self, message: str, code: str, path: list[Any] | None = None) -> None:
        super().__init__(message, code, **({"path": path} if path else {}))


class BadArguments(ToolFailure):
    """Arguments refused before any call to the graph."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, "BAD_USER_INPUT", **({"field": field} if field else {}))

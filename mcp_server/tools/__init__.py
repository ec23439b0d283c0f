"""The tools: one module per journey, each with a `register(server, deps)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_server.tools import availability, details, playback, recommendations, search, vocabulary
from mcp_server.tools.deps import Deps

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

__all__ = ["Deps", "register_tools"]

_MODULES = (search, recommendations, availability, details, vocabulary, playback)


def register_tools(server: MCPServer, deps: Deps) -> None:
    for module in _MODULES:
        module.register(server, deps)

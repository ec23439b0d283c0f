"""MCP server: the graph's journeys (search, availability, recommendations, playback) as tools
for AI agents, over stdio and streamable HTTP. A client of the router only."""

from mcp_server.server import create_server
from mcp_server.settings import Settings

__all__ = ["Settings", "create_server"]

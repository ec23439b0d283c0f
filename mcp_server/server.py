"""Composition root: one MCPServer with the tools, resources and prompts over one graph client."""

from __future__ import annotations

from typing import Literal

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer

from mcp_server.auth import RouterTokenVerifier
from mcp_server.client import GraphClient
from mcp_server.credentials import Credentials, EnvironmentCredentials, RequestCredentials
from mcp_server.prompts import register_prompts
from mcp_server.resources import register_resources
from mcp_server.settings import Settings
from mcp_server.tools import Deps, register_tools

__all__ = ["INSTRUCTIONS", "Transport", "create_server"]

Transport = Literal["stdio", "http"]

INSTRUCTIONS = """\
Media Gateway: find films and series across streaming platforms, see where to watch them and
start playback on the user's devices. semantic_search takes plain words ("90s sci-fi on Netflix
in Germany"); ids it returns feed check_availability, get_content_details and
initiate_playback. Genre and platform slugs come from get_genres and list_platforms.
Playback tools act for the signed-in user and need the playback:control scope."""


def create_server(
    settings: Settings,
    transport: Transport,
    graph: GraphClient | None = None,
    credentials: Credentials | None = None,
) -> tuple[MCPServer, GraphClient]:
    """The server and the graph client it shares (the caller closes it when the process ends:
    sessions come and go, the client stays)."""
    graph = graph or GraphClient(settings)
    if credentials is None:
        credentials = (EnvironmentCredentials(settings.token) if transport == "stdio"
                       else RequestCredentials())
    oauth = transport == "http" and settings.authorization_server is not None
    server: MCPServer = MCPServer(
        "media-gateway",
        title="Media Gateway",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        log_level="WARNING",
        auth=AuthSettings(
            issuer_url=settings.authorization_server,  # type: ignore[arg-type]
            resource_server_url=settings.resource_url,  # type: ignore[arg-type]
            # The router checks the token's audience; ours is the graph's.
            validate_token_resource=False,
        ) if oauth else None,
        token_verifier=RouterTokenVerifier(graph) if oauth else None,
    )
    deps = Deps(graph=graph, credentials=credentials, settings=settings)
    register_tools(server, deps)
    register_resources(server, deps)
    register_prompts(server)
    return server, graph

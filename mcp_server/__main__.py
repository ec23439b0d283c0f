"""`python -m mcp_server --transport stdio|http`: serve the graph's journeys to MCP clients."""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from mcp_server.server import Transport, create_server
from mcp_server.settings import Settings


async def serve(settings: Settings, transport: Transport) -> None:
    server, graph = create_server(settings, transport)
    try:
        if transport == "stdio":
            await server.run_stdio_async()
            return
        app = server.streamable_http_app(streamable_http_path=settings.path,
                                         host=settings.host)
        config = uvicorn.Config(app, host=settings.host, port=settings.port,
                                log_level="warning", access_log=False)
        await uvicorn.Server(config).serve()
    finally:
        await graph.aclose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mcp_server", description=__doc__)
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--host", help="HTTP: address to listen on (MG_MCP_HOST)")
    parser.add_argument("--port", type=int, help="HTTP: port (MG_MCP_PORT, 8765)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    overrides = {name: value for name, value in (("host", args.host), ("port", args.port))
                 if value is not None}
    if overrides:
        settings = Settings(**{**settings.model_dump(), **overrides})
    asyncio.run(serve(settings, args.transport))


if __name__ == "__main__":
    main()

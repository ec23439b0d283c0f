"""Resources: a title's details as JSON (`title://{id}`) and the genre and platform vocabularies."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from mcp_server.errors import ToolFailure
from mcp_server.models import UUID_PATTERN
from mcp_server.tools import details, vocabulary

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.models import Model
    from mcp_server.tools.deps import Deps

__all__ = ["register_resources"]

_UUID = re.compile(UUID_PATTERN)
_JSON = "application/json"


def register_resources(server: MCPServer, deps: Deps) -> None:
    @server.resource("title://{id}", name="title", title="Title details", mime_type=_JSON,
                     description="One title's details, credits and similar titles, as JSON.")
    async def title(id: str, ctx: Context) -> str:
        if not _UUID.match(id):
            raise ResourceNotFoundError(f"No title {id!r}: title ids are UUIDs.")
        try:
            answer = await details.fetch_details(deps, deps.token(ctx), id, {"credits", "similar"})
        except ToolFailure as failure:
            if failure.code == "NOT_FOUND":
                raise ResourceNotFoundError(failure.message) from None
            raise ResourceError(f"{failure.message} (code: {failure.code})") from None
        return answer.model_dump_json(by_alias=True)

    @server.resource("vocabulary://genres", name="genres", title="Genres", mime_type=_JSON,
                     description="Every genre slug and name (what search filters take).")
    async def genres() -> str:
        return await _json(vocabulary.genres(deps))

    @server.resource("vocabulary://platforms", name="platforms", title="Platforms",
                     mime_type=_JSON, description="Every streaming platform slug and name.")
    async def platforms() -> str:
        return await _json(vocabulary.platforms(deps))


async def _json(answer: Awaitable[Model]) -> str:
    try:
        model = await answer
    except ToolFailure as failure:
        raise ResourceError(f"{failure.message} (code: {failure.code})") from None
    return model.model_dump_json(by_alias=True)

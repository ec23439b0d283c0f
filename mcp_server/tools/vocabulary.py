"""get_genres and list_platforms: the words filters are written in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_types import ToolAnnotations
from pydantic import Field

from mcp_server.models import REGION, Genre, Model, Platform
from mcp_server.tools.result import structured

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.tools.deps import Deps

__all__ = ["Genres", "Platforms", "genres", "platforms", "register"]

GENRES = "query McpGenres { genres { slug name } }"
PLATFORMS = "query McpPlatforms { platforms { slug name } }"
# The router allows 30 aliases a query: platforms are counted in chunks of that size.
_ALIASES = 30


class Genres(Model):
    genres: list[Genre]


class Platforms(Model):
    region: str | None = Field(None, description="Set: only platforms with titles there.")
    platforms: list[Platform]


async def genres(deps: Deps) -> Genres:
    # Vocabularies are public: asked anonymously, so one cache entry serves everyone.
    data = await deps.graph.query(GENRES, token=None, ttl=deps.settings.vocabulary_ttl)
    return Genres(genres=[Genre(**genre) for genre in data["genres"]])


async def platforms(deps: Deps, region: str | None = None) -> Platforms:
    data = await deps.graph.query(PLATFORMS, token=None, ttl=deps.settings.vocabulary_ttl)
    listed = [Platform(**platform) for platform in data["platforms"]]
    if region is None:
        return Platforms(platforms=listed)
    present: set[str] = set()
    for start in range(0, len(listed), _ALIASES):
        chunk = listed[start:start + _ALIASES]
        fields = " ".join(
            f'p{i}: titles(first: 1, filter: {{region: $region, platforms: ["{p.slug}"]}})'
            " { totalCount }"
            for i, p in enumerate(chunk)
        )
        counts = await deps.graph.query(
            f"query McpPlatformsIn($region: String!) {{ {fields} }}", {"region": region},
            token=None, ttl=deps.settings.vocabulary_ttl,
        )
        present |= {p.slug for i, p in enumerate(chunk) if counts[f"p{i}"]["totalCount"] > 0}
    return Platforms(region=region, platforms=[p for p in listed if p.slug in present])


def register(server: MCPServer, deps: Deps) -> None:
    @server.tool(
        title="Genres",
        annotations=ToolAnnotations(title="Genres", read_only_hint=True, open_world_hint=False),
    )
    @structured
    async def get_genres() -> Genres:
        """Every genre: its slug (what filters take) and its name."""
        return await genres(deps)

    @server.tool(
        title="Platforms",
        annotations=ToolAnnotations(title="Platforms", read_only_hint=True,
                                    open_world_hint=False),
    )
    @structured
    async def list_platforms(region: REGION | None = None) -> Platforms:
        """Streaming platforms (slug and name); with a region, only those offering titles there."""
        return await platforms(deps, region)

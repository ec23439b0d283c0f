"""get_content_details: one title, with its credits, offers and similar titles on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations
from pydantic import Field

from mcp_server.models import (
    OFFER_FIELDS,
    REGION,
    TITLE_FIELDS,
    TITLE_ID,
    Model,
    Offer,
    TitleSummary,
)
from mcp_server.tools.result import structured

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.tools.deps import Deps

__all__ = ["DETAILS", "Include", "TitleDetails", "fetch_details", "register"]

Include = Literal["credits", "availability", "similar"]

DETAILS = f"""
query McpTitleDetails($id: ID!, $region: String!, $credits: Boolean!, $offers: Boolean!,
                      $similar: Boolean!) {{
  title(id: $id) {{
    {TITLE_FIELDS} originalTitle overview releaseDate popularity voteCount
    externalIds {{ imdb tmdb eidr }}
    credits @include(if: $credits) {{ role character order person {{ id name }} }}
    offers(region: $region) @include(if: $offers) {{ {OFFER_FIELDS} }}
    similar(first: 10) @include(if: $similar) {{ {TITLE_FIELDS} }}
  }}
}}
"""


class Credit(Model):
    role: str
    person: str | None = Field(None, description="The person's name.")
    person_id: str | None = None
    character: str | None = None


class ExternalIds(Model):
    imdb: str | None = None
    tmdb: str | None = None
    eidr: str | None = None


class TitleDetails(TitleSummary):
    original_title: str | None = None
    overview: str | None = None
    release_date: str | None = None
    popularity: float
    vote_count: int
    external_ids: ExternalIds
    credits: list[Credit] | None = Field(None, description="With include=credits.")
    region: str | None = Field(None, description="The offers' region, with include=availability.")
    offers: list[Offer] | None = Field(None, description="Best first, with include=availability.")
    similar: list[TitleSummary] | None = Field(None, description="With include=similar.")


async def fetch_details(
    deps: Deps, token: str | None, title_id: str, include: set[str], region: str | None = None
) -> TitleDetails:
    """Shared by the tool and the `title://{id}` resource (one cache entry for both)."""
    where = deps.region(token, region)
    variables = {"id": title_id, "region": where, "credits": "credits" in include,
                 "offers": "availability" in include, "similar": "similar" in include}
    data = await deps.graph.query(DETAILS, variables, token=token,
                                  ttl=deps.settings.details_ttl)
    return _details(data["title"], where if "availability" in include else None)


def register(server: MCPServer, deps: Deps) -> None:
    @server.tool(
        title="Title details",
        annotations=ToolAnnotations(title="Title details", read_only_hint=True,
                                    open_world_hint=False),
    )
    @structured
    async def get_content_details(
        titleId: TITLE_ID,
        ctx: Context,
        include: Annotated[list[Include], Field(
            max_length=3, description="Extra parts: credits, availability, similar.")] = [],  # noqa: B006
        region: REGION | None = None,
    ) -> TitleDetails:
        """Everything about one title: overview, year, runtime, rating, genres, ids; on request
        its credits, its offers in a region (default: the user's home region, else US) and
        titles like it."""
        return await fetch_details(deps, deps.token(ctx), titleId, set(include), region)


def _details(node: dict[str, Any], region: str | None) -> TitleDetails:
    summary = TitleSummary.from_graph(node)
    credits = node.get("credits")
    offers = node.get("offers")
    similar = node.get("similar")
    return TitleDetails(
        **summary.model_dump(),
        original_title=node.get("originalTitle"),
        overview=node.get("overview"),
        release_date=node.get("releaseDate"),
        popularity=node["popularity"],
        vote_count=node["voteCount"],
        external_ids=ExternalIds(**node["externalIds"]),
        credits=None if credits is None else [
            Credit(role=c["role"], character=c.get("character"),
                   person=(c.get("person") or {}).get("name"),
                   person_id=(c.get("person") or {}).get("id"))
            for c in credits
        ],
        region=region,
        offers=None if offers is None else [Offer.from_graph(o) for o in offers],
        similar=None if similar is None else [TitleSummary.from_graph(t) for t in similar],
    )

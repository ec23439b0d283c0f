"""check_availability: where a title can be watched in a region, best offer first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations
from pydantic import Field

from mcp_server.models import OFFER_FIELDS, REGION, TITLE_ID, Model, Offer
from mcp_server.tools.result import structured

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.tools.deps import Deps

__all__ = ["AVAILABILITY", "Availability", "register"]

AVAILABILITY = f"""
query McpAvailability($id: ID!, $region: String!) {{
  title(id: $id) {{ id title offers(region: $region) {{ {OFFER_FIELDS} }} }}
}}
"""


class Availability(Model):
    title_id: str
    title: str
    region: str
    offers: list[Offer] = Field(description="Best first: subscription, free, ads, rent, buy.")
    best_offer: Offer | None = None


def register(server: MCPServer, deps: Deps) -> None:
    @server.tool(
        title="Check availability",
        annotations=ToolAnnotations(title="Check availability", read_only_hint=True,
                                    open_world_hint=False),
    )
    @structured
    async def check_availability(
        titleId: TITLE_ID,
        ctx: Context,
        region: REGION | None = None,
        platforms: Annotated[list[str] | None, Field(
            description="Only offers on these platform slugs.")] = None,
    ) -> Availability:
        """Where a title can be watched in a region (default: the signed-in user's home region,
        else US): each offer's type, price, currency, quality and deep link, best first."""
        token = deps.token(ctx)
        where = deps.region(token, region)
        data = await deps.graph.query(AVAILABILITY, {"id": titleId, "region": where},
                                      token=token, ttl=deps.settings.search_ttl)
        offers = [Offer.from_graph(offer) for offer in data["title"]["offers"]]
        if platforms:
            wanted = set(platforms)
            offers = [offer for offer in offers if offer.platform.slug in wanted]
        return Availability(title_id=data["title"]["id"], title=data["title"]["title"],
                            region=where, offers=offers, best_offer=offers[0] if offers else None)

"""semantic_search: the graph's hybrid search, with its score parts and reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Self

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations
from pydantic import Field, model_validator

from mcp_server.models import OFFER_FIELDS, REGION, TITLE_FIELDS, Model, Offer, TitleSummary
from mcp_server.tools.result import structured

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.tools.deps import Deps

__all__ = ["SEARCH", "SearchAnswer", "SearchFilters", "register"]

SEARCH = f"""
query McpSearch($q: String!, $filter: SearchFilter, $first: Int, $explain: Boolean!) {{
  search(query: $q, filter: $filter, first: $first) {{
    totalCount missingParts
    intent {{ genres kinds yearFrom yearTo platforms regions references moods }}
    edges {{ node {{
      score
      matchReasons @include(if: $explain)
      parts @include(if: $explain) {{ vector keyword graph popularity personal }}
      title {{ {TITLE_FIELDS} }}
      bestOffer {{ {OFFER_FIELDS} }}
    }} }}
  }}
}}
"""


class SearchFilters(Model):
    """Hard constraints; the query's own words ("90s", "on Netflix") add more."""

    genres: list[str] | None = Field(None, description="At least one of these genre slugs.")
    kind: Literal["MOVIE", "SERIES", "SEASON", "EPISODE"] | None = None
    year_min: Annotated[int, Field(ge=1870, le=2100)] | None = None
    year_max: Annotated[int, Field(ge=1870, le=2100)] | None = None
    rating_min: Annotated[float, Field(ge=0, le=10)] | None = Field(
        None, description="Lowest average rating."
    )
    platforms: list[str] | None = Field(None, description="Platform slugs, e.g. netflix.")
    region: REGION | None = None

    @model_validator(mode="after")
    def _years_in_order(self) -> Self:
        if self.year_min and self.year_max and self.year_min > self.year_max:
            raise ValueError("yearMin must not be after yearMax")
        return self

    def to_graph(self) -> dict[str, object]:
        graph = {
            "genres": self.genres,
            "kinds": [self.kind] if self.kind else None,
            "yearFrom": self.year_min,
            "yearTo": self.year_max,
            "minRating": self.rating_min,
            "platforms": self.platforms,
            "region": self.region,
        }
        return {name: value for name, value in graph.items() if value is not None}


class ScoreParts(Model):
    vector: float | None = None
    keyword: float | None = None
    graph: float | None = None
    popularity: float | None = None
    personal: float | None = None


class SearchHit(Model):
    title: TitleSummary
    score: float
    score_parts: ScoreParts | None = Field(None, description="With explain: each weighted part.")
    why: list[str] | None = Field(None, description="With explain: why it matched.")
    best_offer: Offer | None = Field(None, description="Where to watch it first in the region.")


class Understood(Model):
    """What the query was read as asking for (became filters)."""

    genres: list[str]
    kinds: list[str]
    year_from: int | None = None
    year_to: int | None = None
    platforms: list[str]
    regions: list[str]
    references: list[str] = Field(description="Titles named in the query (\"like Toy Story\").")
    moods: list[str]


class SearchAnswer(Model):
    total_count: int
    results: list[SearchHit]
    understood: Understood
    missing_parts: list[str] = Field(description="Parts of the search that failed this time.")


def register(server: MCPServer, deps: Deps) -> None:
    @server.tool(
        title="Search titles",
        annotations=ToolAnnotations(title="Search titles", read_only_hint=True,
                                    open_world_hint=False),
    )
    @structured
    async def semantic_search(
        query: Annotated[str, Field(min_length=1, max_length=500,
                                    description="What to look for, in words.")],
        ctx: Context,
        filters: SearchFilters | None = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
        explain: bool = False,
    ) -> SearchAnswer:
        """Find films and series by meaning, keywords and named titles ("like Toy Story");
        typos are tolerated. Each result has its score and, with explain, its score parts and
        why it matched, plus the best offer to watch it."""
        variables = {"q": query, "first": limit, "explain": explain,
                     "filter": filters.to_graph() if filters else None}
        data = await deps.graph.query(SEARCH, variables, token=deps.token(ctx),
                                      ttl=deps.settings.search_ttl)
        page = data["search"]
        return SearchAnswer(
            total_count=page["totalCount"],
            missing_parts=page["missingParts"],
            understood=Understood(
                genres=page["intent"]["genres"], kinds=page["intent"]["kinds"],
                year_from=page["intent"]["yearFrom"], year_to=page["intent"]["yearTo"],
                platforms=page["intent"]["platforms"], regions=page["intent"]["regions"],
                references=page["intent"]["references"], moods=page["intent"]["moods"],
            ),
            results=[_hit(edge["node"]) for edge in page["edges"]],
        )


def _hit(node: dict[str, object]) -> SearchHit:
    parts = node.get("parts")
    offer = node.get("bestOffer")
    return SearchHit(
        title=TitleSummary.from_graph(node["title"]),  # type: ignore[arg-type]
        score=node["score"],  # type: ignore[arg-type]
        score_parts=ScoreParts(**parts) if isinstance(parts, dict) else None,
        why=node.get("matchReasons"),  # type: ignore[arg-type]
        best_offer=Offer.from_graph(offer) if isinstance(offer, dict) else None,
    )

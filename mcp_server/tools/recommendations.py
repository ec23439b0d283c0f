"""get_recommendations: the user's own when signed in; similar titles, mood or trending if not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations
from pydantic import Field

from mcp_server.models import TITLE_FIELDS, TITLE_ID, Model, TitleSummary
from mcp_server.tools.result import structured

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from mcp_server.tools.deps import Deps

__all__ = ["Preferences", "Recommendations", "register"]

Mood = Literal["funny", "scary", "tense", "exciting", "sad", "romantic", "feel-good", "cozy",
               "dark", "epic", "mind-bending", "inspiring", "mysterious", "thoughtful", "family"]

PERSONAL = f"""
query McpRecommendations($first: Int!, $context: RecommendationContextInput) {{
  me {{ recommendations(first: $first, context: $context) {{
    edges {{ node {{ score reason reasonKind title {{ {TITLE_FIELDS} }} because {{ title }} }} }}
  }} }}
}}
"""
SIMILAR = f"""
query McpSimilar($id: ID!, $first: Int!) {{
  title(id: $id) {{ title similar(first: $first) {{ {TITLE_FIELDS} }} }}
}}
"""
TRENDING = f"""
query McpTrending($first: Int!, $filter: TitleFilter) {{
  titles(first: $first, filter: $filter) {{ edges {{ node {{ {TITLE_FIELDS} }} }} }}
}}
"""
MOOD = f"""
query McpMood($q: String!, $first: Int!, $filter: SearchFilter) {{
  search(query: $q, first: $first, filter: $filter) {{
    edges {{ node {{ score title {{ {TITLE_FIELDS} }} }} }}
  }}
}}
"""
# Genre preferences are applied to what the graph returns: ask for more so enough remain.
_OVERFETCH = 3
_MAX_PAGE = 100


class Preferences(Model):
    genres: list[str] | None = Field(None, description="Prefer these genre slugs (any of).")
    mood: Mood | None = None
    exclude: list[str] | None = Field(None, description="Genre slugs to leave out.")


class Recommendation(Model):
    title: TitleSummary
    score: float | None = None
    reason: str = Field(description="Why this title, in words to show the user.")
    because: list[str] = Field(default_factory=list, description="Titles the reason cites.")


class Recommendations(Model):
    basis: Literal["personal", "similar", "mood", "trending"] = Field(
        description="personal: the signed-in user's own; otherwise what they rest on."
    )
    items: list[Recommendation]


def register(server: MCPServer, deps: Deps) -> None:
    @server.tool(
        title="Recommendations",
        annotations=ToolAnnotations(title="Recommendations", read_only_hint=True,
                                    open_world_hint=False),
    )
    @structured
    async def get_recommendations(
        ctx: Context,
        basedOn: TITLE_ID | None = None,
        preferences: Preferences | None = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> Recommendations:
        """What to watch next. Signed in: the user's own recommendations (with a mood, for that
        mood), each with why. With basedOn: titles like that one. Anonymous: titles for the
        mood, else the most popular; preferences narrow genres."""
        prefs = preferences or Preferences()
        token = deps.token(ctx)
        fetch = min(_MAX_PAGE, limit * _OVERFETCH) if prefs.genres or prefs.exclude else limit
        if basedOn is not None:
            data = await deps.graph.query(SIMILAR, {"id": basedOn, "first": fetch}, token=token)
            source = data["title"]["title"]
            items = [Recommendation(title=TitleSummary.from_graph(t),
                                    reason=f"Like {source}", because=[source])
                     for t in data["title"]["similar"]]
            return Recommendations(basis="similar", items=_narrow(items, prefs, limit))
        if token:
            context = {"mood": prefs.mood} if prefs.mood else None
            data = await deps.graph.query(PERSONAL, {"first": fetch, "context": context},
                                          token=token)
            if data["me"] is not None:
                items = [_personal(edge["node"])
                         for edge in data["me"]["recommendations"]["edges"]]
                return Recommendations(basis="personal", items=_narrow(items, prefs, limit))
        if prefs.mood:
            search_filter = _search_filter(prefs)
            data = await deps.graph.query(
                MOOD, {"q": f"{prefs.mood} films", "first": fetch, "filter": search_filter},
                token=token, ttl=deps.settings.search_ttl,
            )
            items = [Recommendation(title=TitleSummary.from_graph(e["node"]["title"]),
                                    score=e["node"]["score"], reason=f"Fits a {prefs.mood} mood")
                     for e in data["search"]["edges"]]
            return Recommendations(basis="mood", items=_narrow(items, prefs, limit))
        title_filter = {"genres": prefs.genres} if prefs.genres else None
        data = await deps.graph.query(TRENDING, {"first": fetch, "filter": title_filter},
                                      token=token, ttl=deps.settings.search_ttl)
        items = [Recommendation(title=TitleSummary.from_graph(e["node"]), reason="Popular now")
                 for e in data["titles"]["edges"]]
        return Recommendations(basis="trending", items=_narrow(items, prefs, limit))


def _personal(node: dict[str, Any]) -> Recommendation:
    return Recommendation(title=TitleSummary.from_graph(node["title"]), score=node["score"],
                          reason=node["reason"], because=[t["title"] for t in node["because"]])


def _search_filter(prefs: Preferences) -> dict[str, Any] | None:
    graph = {"genres": prefs.genres, "blockedGenres": prefs.exclude}
    return {name: value for name, value in graph.items() if value} or None


def _narrow(items: list[Recommendation], prefs: Preferences, limit: int) -> list[Recommendation]:
    wanted = set(prefs.genres or ())
    unwanted = set(prefs.exclude or ())
    kept = [item for item in items
            if (not wanted or wanted & set(item.title.genres))
            and not unwanted & set(item.title.genres)]
    return kept[:limit]

"""Prompts: the journeys an agent is most often asked for, written as steps over the tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

__all__ = ["register_prompts"]


def register_prompts(server: MCPServer) -> None:
    @server.prompt(name="watch_tonight", title="Find something to watch tonight")
    def watch_tonight(mood: str | None = None, region: str | None = None) -> str:
        """Pick a title for tonight, check where it streams and offer to start it."""
        mood_part = f" The viewer is in a {mood} mood." if mood else ""
        region_part = f" Use region {region}." if region else ""
        return (
            "Help me find something to watch tonight." + mood_part + region_part + "\n"
            "1. Call get_recommendations (with preferences.mood when a mood is given); if I "
            "describe what I want in words, call semantic_search instead (explain=true shows "
            "why each title matched).\n"
            "2. Offer me three titles with one line each on why.\n"
            "3. For the one I choose, call check_availability and tell me the best offer "
            "(included in a subscription first, then free, then the cheapest).\n"
            "4. Ask before playing; then call list_devices and initiate_playback on the device "
            "I name."
        )

    @server.prompt(name="where_to_watch", title="Where can I watch a title?")
    def where_to_watch(title: str, region: str | None = None) -> str:
        """Find a title by name and list its offers."""
        region_part = f" in {region}" if region else ""
        return (
            f"Where can I watch {title!r}{region_part}? Call semantic_search with that name "
            "(limit 3), pick the matching title, then call check_availability for it and list "
            "the offers: platform, type, price and quality, best first."
        )

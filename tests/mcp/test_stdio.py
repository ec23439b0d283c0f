"""Over stdio, as an MCP client (Claude Desktop, an IDE) launches it: the signed-in user's token
comes from MG_MCP_TOKEN; every tool, resource and prompt against the real stack."""

from __future__ import annotations

import json
import uuid

import pytest
from mcp import Client

from mediagateway.stack import Stack
from tests.mcp.conftest import TOY_STORY, Router, error_of, stdio_server, structured

READ_ONLY = {"semantic_search", "get_recommendations", "check_availability",
             "get_content_details", "get_genres", "list_platforms", "list_devices"}
USER = "user1@demo.mediagateway.dev"


@pytest.fixture(scope="module")
def token(router: Router) -> str:
    return router.login(USER)


async def test_every_tool_answers_in_its_published_schema(stack: Stack, token: str) -> None:
    async with Client(stdio_server(stack, MG_MCP_TOKEN=token), cache=None) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == READ_ONLY | {"initiate_playback"}
        for name, tool in tools.items():
            assert tool.output_schema is not None and tool.input_schema["type"] == "object"
            assert tool.annotations is not None
            assert tool.annotations.read_only_hint is (name in READ_ONLY), name
        schema = {name: tool.output_schema for name, tool in tools.items()}

        async def call(name: str, **arguments: object) -> dict:
            return structured(await client.call_tool(name, arguments), schema[name])

        found = await call("semantic_search", query="toy stroy", limit=5, explain=True,
                           filters={"region": "US", "kind": "MOVIE"})
        top = found["results"][0]
        assert top["title"]["title"].lower() == TOY_STORY
        assert top["why"] and top["scoreParts"]["keyword"] is not None
        assert top["bestOffer"]["region"] == "US"
        title_id = top["title"]["id"]

        offers = await call("check_availability", titleId=title_id, region="GB")
        assert offers["region"] == "GB" and offers["offers"]
        assert offers["bestOffer"] == offers["offers"][0]
        assert all(o["deepLink"] and o["type"] and o["quality"] for o in offers["offers"])
        slug = offers["offers"][-1]["platform"]["slug"]
        only = await call("check_availability", titleId=title_id, region="GB", platforms=[slug])
        assert {o["platform"]["slug"] for o in only["offers"]} == {slug}

        details = await call("get_content_details", titleId=title_id,
                             include=["credits", "availability", "similar"])
        assert details["title"].lower() == TOY_STORY and details["credits"] is not None
        assert details["similar"] and details["offers"] is not None
        assert details["region"]  # no region given: the user's home region
        bare = await call("get_content_details", titleId=title_id)
        assert bare["credits"] is None and bare["offers"] is None

        personal = await call("get_recommendations", limit=5)
        assert personal["basis"] == "personal" and len(personal["items"]) == 5
        similar = await call("get_recommendations", basedOn=title_id, limit=3)
        assert similar["basis"] == "similar" and similar["items"]
        assert title_id not in {item["title"]["id"] for item in similar["items"]}

        genres = await call("get_genres")
        assert {"comedy", "drama"} <= {genre["slug"] for genre in genres["genres"]}
        everywhere = await call("list_platforms")
        in_us = await call("list_platforms", region="US")
        assert in_us["region"] == "US" and in_us["platforms"]
        listed = {p["slug"] for p in everywhere["platforms"]}
        assert {p["slug"] for p in in_us["platforms"]} <= listed

        devices = await call("list_devices", includeOffline=True)
        assert isinstance(devices["devices"], list)


async def test_resources_and_prompts(stack: Stack, token: str) -> None:
    async with Client(stdio_server(stack, MG_MCP_TOKEN=token), cache=None) as client:
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["title://{id}"]
        genres = json.loads((await client.read_resource("vocabulary://genres")).contents[0].text)
        assert genres["genres"]
        platforms = (await client.read_resource("vocabulary://platforms")).contents[0].text
        assert json.loads(platforms)["platforms"]
        found = await client.call_tool("semantic_search", {"query": "toy story", "limit": 1})
        title_id = found.structured_content["results"][0]["title"]["id"]
        title = json.loads((await client.read_resource(f"title://{title_id}")).contents[0].text)
        assert title["id"] == title_id and title["credits"] is not None

        prompts = {prompt.name for prompt in (await client.list_prompts()).prompts}
        assert prompts == {"watch_tonight", "where_to_watch"}
        tonight = await client.get_prompt("watch_tonight", {"mood": "cozy"})
        assert "cozy" in tonight.messages[0].content.text


async def test_graph_errors_keep_their_code(stack: Stack, token: str) -> None:
    async with Client(stdio_server(stack, MG_MCP_TOKEN=token), cache=None) as client:
        missing = await client.call_tool("get_content_details", {"titleId": str(uuid.uuid4())})
        error = error_of(missing)
        assert error["code"] == "NOT_FOUND" and error["message"]
        assert "NOT_FOUND" in missing.content[0].text


async def test_bad_arguments_are_refused_before_any_call(stack: Stack) -> None:
    # The router address leads nowhere: a call that went out would fail with UNAVAILABLE.
    nowhere = stdio_server(stack, MG_MCP_ROUTER_URL="http://127.0.0.1:9/graphql",
                           MG_MCP_RETRIES="0")
    async with Client(nowhere, cache=None) as client:
        for name, arguments in [
            ("semantic_search", {"query": "a" * 501}),
            ("semantic_search", {"query": "x", "limit": 51}),
            ("semantic_search", {"query": "x", "filters": {"yearMin": 2000, "yearMax": 1990}}),
            ("check_availability", {"titleId": "not-a-uuid"}),
            ("check_availability", {"titleId": str(uuid.uuid4()), "region": "usa"}),
            ("get_content_details", {"titleId": str(uuid.uuid4()), "include": ["cast"]}),
            ("get_recommendations", {"preferences": {"mood": "angry"}}),
        ]:
            result = await client.call_tool(name, arguments)
            assert result.is_error, (name, arguments)
            text = result.content[0].text
            assert "validation error" in text and "UNAVAILABLE" not in text, text
        unreachable = await client.call_tool("get_genres", {})
        assert error_of(unreachable)["code"] == "UNAVAILABLE"


async def test_a_graph_slower_than_the_timeout_is_a_timeout_error(stack: Stack) -> None:
    # A millisecond is less than any search takes: every attempt (first + 3 retries) times out.
    hasty = stdio_server(stack, MG_MCP_TIMEOUT="0.001", MG_MCP_BACKOFF="0.01")
    async with Client(hasty, cache=None) as client:
        result = await client.call_tool("semantic_search", {"query": "space adventure"})
        error = error_of(result)
        assert error["code"] == "GATEWAY_TIMEOUT", error
        assert "0.001 s" in error["message"]

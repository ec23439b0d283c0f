"""Strawberry's ASGI view with our context, identity and GraphQL-over-HTTP media types."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from subgraphs.common.auth import Viewer, viewer_from_headers

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket
    from strawberry.http import GraphQLHTTPResponse
    from strawberry.http.async_base_view import AsyncHTTPRequestAdapter
    from strawberry.schema import BaseSchema

__all__ = ["ContextFactory", "GraphQLView"]

ContextFactory = Callable[
    ["Request | WebSocket", "Response | WebSocket | None", Viewer], Awaitable[Any]
]

GRAPHQL_RESPONSE = "application/graphql-response+json"
_JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8"})
# Accept types Strawberry answers with a stream (multipart subscriptions, server-sent events).
_STREAMING = re.compile(r"multipart/mixed|text/event-stream", re.IGNORECASE)
_GRAPHQL_RESPONSE_TYPE = f"{GRAPHQL_RESPONSE}; charset=utf-8"


def _dumps(data: object) -> bytes:
    # orjson: several times faster than the standard library on every response and every
    # subscription event. It refuses what the standard library takes (integers over 64 bits).
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, separators=(",", ":")).encode()


class GraphQLView(GraphQL):
    """Builds each request's context with the caller's Viewer.

    Answers `application/graphql-response+json` when the client accepts it, as the
    GraphQL-over-HTTP spec asks, and plain `application/json` otherwise.
    """

    def __init__(
        self, schema: BaseSchema, context_factory: ContextFactory, router_secret: str
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql", keep_alive=True, keep_alive_interval=15)
        self.context_factory = context_factory
        self.router_secret = router_secret

    async def get_context(self, request: Request | WebSocket, response: Any) -> Any:
        peer = request.client.host if request.client else "unknown"
        viewer = viewer_from_headers(request.headers, self.router_secret, peer)
        return await self.context_factory(request, response, viewer)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        accept = request.headers.get("accept", "")
        sub_response.media_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else None
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # What the router sends: a JSON POST of one operation, answered with one JSON body.
        # Read without Strawberry's generic content-type parsing; anything else (batches,
        # streaming, forms, GET, malformed fields) goes the general way, refusals included.
        if (request.method == "POST" and request.content_type in _JSON_TYPES
                and not _STREAMING.search(request.headers.get("accept", ""))):
            data = self.parse_json(await request.get_body())
            if isinstance(data, dict):
                query, variables = data.get("query"), data.get("variables")
                extensions = data.get("extensions")
                if (isinstance(query, str) and isinstance(variables, dict | None)
                        and isinstance(extensions, dict | None)):
                    return GraphQLRequestData(
                        query=query, variables=variables,
                        operation_name=data.get("operationName"), extensions=extensions,
                    )
        return await super().parse_http_body(request)

    def decode_json(self, data: str | bytes) -> object:
        # orjson's JSONDecodeError is the standard library's: Strawberry's handling holds.
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        # Text, not bytes: websockets send bytes as binary frames, which clients refuse.
        return _dumps(data).decode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        # Strawberry's, with the body encoded once as bytes and the media type set up front.
        graphql_response = sub_response.media_type == GRAPHQL_RESPONSE
        response = Response(
            _dumps(response_data),
            status_code=sub_response.status_code or 200,
            media_type=_GRAPHQL_RESPONSE_TYPE if graphql_response else "application/json",
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if (graphql_response and isinstance(response_data, dict)
                and response_data.get("data") is None):
            # The spec: a response without data means the request failed as a whole.
            response.status_code = sub_response.status_code or 400
        return response

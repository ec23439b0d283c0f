"""Strawberry's ASGI view with our context, identity and GraphQL-over-HTTP media types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.responses import Response
from strawberry.asgi import GraphQL

from subgraphs.common.auth import Viewer, viewer_from_headers

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.websockets import WebSocket
    from strawberry.http import GraphQLHTTPResponse
    from strawberry.schema import BaseSchema

__all__ = ["ContextFactory", "GraphQLView"]

ContextFactory = Callable[
    ["Request | WebSocket", "Response | WebSocket | None", Viewer], Awaitable[Any]
]

GRAPHQL_RESPONSE = "application/graphql-response+json"


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

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if isinstance(response_data, dict) and response_data.get("data") is None:
                # The spec: a response without data means the request failed as a whole.
                response.status_code = sub_response.status_code or 400
        return response

"""Strawberry's ASGI view with our context, identity and GraphQL-over-HTTP media types."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from subgraphs.common.auth import Viewer, viewer_from_headers
from subgraphs.common.text import refusal

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send
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
# Far above any operation the router sends (it refuses bodies over 256 KB itself).
MAX_BODY_BYTES = 1024 * 1024
_STATUS_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED",
                 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


class _BadInput(HTTPException):
    """A request refused for what it holds rather than for its shape."""

    code = "BAD_USER_INPUT"


def _error_response(error: HTTPException) -> Response:
    status = 415 if error.reason == "Unsupported content type" else error.status_code
    code = getattr(error, "code", None) or _STATUS_CODES.get(status, "BAD_REQUEST")
    body = {"errors": [{"message": error.reason, "extensions": {"code": code}}]}
    return Response(_dumps(body), status_code=status, media_type="application/json")


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Strawberry's, with refusals answered as GraphQL errors (JSON, with a code) rather
        # than plain text, and bodies over the limit refused before they are read.
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        try:
            if length > MAX_BODY_BYTES:
                raise HTTPException(413, f"The request body is over {MAX_BODY_BYTES} bytes.")
            response = await self.run(request)
        except HTTPException as error:
            response = _error_response(error)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        else:
            # JSON escapes every control character, so a NUL arrives as this text; only then
            # is the decoded body walked (literals in the query are the validation's job).
            escaped = b"\\u0000" if isinstance(data, bytes) else "\\u0000"
            if escaped in data and (found := refusal(parsed)):
                raise _BadInput(400, found)
            return parsed
        # orjson refuses escaped lone surrogates; the standard library reads them, so the
        # caller can be told what was wrong with the input rather than that it is not JSON.
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeError):
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if found := refusal(parsed):
            raise _BadInput(400, found)
        return parsed

    async def get_context(self, request: Request | WebSocket, response: Any) -> Any:
        peer = request.client.host if request.client else "unknown"
        viewer = viewer_from_headers(request.headers, self.router_secret, peer,
                                     websocket=request.scope["type"] == "websocket")
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

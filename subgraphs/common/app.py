"""The ASGI app every subgraph is: `/graphql` over HTTP and websockets, `/health`, and
`/metrics` for Prometheus; logging and tracing configured for the process."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from subgraphs.common.logs import LogSettings, RequestIdMiddleware, configure_logging
from subgraphs.common.tracing import TracingMiddleware, configure_tracing
from subgraphs.common.view import ContextFactory, GraphQLView

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import Lifespan
    from strawberry.schema import BaseSchema

__all__ = ["build_app"]


def build_app(
    *,
    name: str,
    schema: BaseSchema,
    context_factory: ContextFactory,
    router_secret: str,
    lifespan: Lifespan[Starlette],
    routes: Sequence[BaseRoute] = (),
    max_subscriptions_per_connection: int | None = 100,
    logs: LogSettings | None = None,
) -> Starlette:
    configure_logging(name, logs or LogSettings.from_env())
    traced = configure_tracing(name)  # off unless OTEL_EXPORTER_OTLP_ENDPOINT / MG_TRACING
    view = GraphQLView(schema, context_factory, router_secret)
    view.max_subscriptions_per_connection = max_subscriptions_per_connection

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "subgraph": name})

    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/health", health),
            # Scraped inside the cluster only: the router never routes here, and the
            # NetworkPolicies let only the router and Prometheus reach a subgraph.
            Route("/metrics", metrics),
            *routes,
        ],
        # Tracing outermost, so the request id's log lines already carry the trace id.
        middleware=[*([Middleware(TracingMiddleware)] if traced else []),
                    Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
    app.state.subgraph = name  # the `subgraph` label of this app's metrics
    return app

"""The per-request context every subgraph's context extends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from subgraphs.common.auth import Viewer

__all__ = ["BaseContext"]


@dataclass
class BaseContext:
    """Holds the transport objects and who is asking; subgraphs add services and loaders."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    viewer: Viewer

"""Turns a tool's pydantic answer, or its failure, into an MCP tool result."""

from __future__ import annotations

import functools
import inspect
import logging
import typing
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec

import orjson
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from mcp_server.client import CACHE_TRACE
from mcp_server.errors import ToolFailure

__all__ = ["CACHE_META", "structured"]

P = ParamSpec("P")
log = logging.getLogger(__name__)

# `_meta` key telling whether every graph read of the call came from the response cache.
CACHE_META = "mediagateway/cache"


def structured(fn: Callable[P, Awaitable[BaseModel]]) -> Callable[P, Awaitable[CallToolResult]]:
    """Wrap a tool returning a model: its output schema stays the model's, failures become
    `isError` results carrying the graph's code (as text for the model, and as structured
    `{"error": {"code", "message"}}` for the application)."""
    hints = typing.get_type_hints(fn, include_extras=True)
    output = hints.pop("return")

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        trace: list[str] = []
        reset = CACHE_TRACE.set(trace)
        try:
            answer = await fn(*args, **kwargs)
        except ToolFailure as failure:
            log.info("tool %s failed: %s (%s)", fn.__name__, failure.message, failure.code)
            return _failure(failure)
        finally:
            CACHE_TRACE.reset(reset)
        data = answer.model_dump(mode="json", by_alias=True)
        meta = {CACHE_META: "hit" if trace and all(s == "hit" for s in trace) else "miss"}
        return CallToolResult(
            content=[TextContent(type="text", text=orjson.dumps(data).decode())],
            structured_content=data,
            _meta=meta,
        )

    # The SDK reads the signature: same parameters, and the model as the declared output.
    signature = inspect.signature(fn)
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation))
                  for p in signature.parameters.values()]
    return_annotation = Annotated[CallToolResult, output]
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=return_annotation
    )
    wrapper.__annotations__ = {**hints, "return": return_annotation}
    del wrapper.__wrapped__  # type: ignore[attr-defined]
    return wrapper


def _failure(failure: ToolFailure) -> CallToolResult:
    error: dict[str, Any] = {"code": failure.code, "message": failure.message, **failure.details}
    return CallToolResult(
        content=[TextContent(type="text", text=f"{failure.message} (code: {failure.code})")],
        structured_content={"error": error},
        is_error=True,
    )

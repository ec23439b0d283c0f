"""Relay-style cursor connections over offset pages, with the page-size limit."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from subgraphs.common.errors import BadInput

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Connection",
    "Edge",
    "PageInfo",
    "PageRequest",
    "decode_cursor",
    "encode_cursor",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Beyond any list we hold, and within a 64-bit SQL integer once `limit` is added.
MAX_OFFSET = 2**31 - 1
_PREFIX = "o:"
_ECHO = 100

T = TypeVar("T")
S = TypeVar("S")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        offset = int(raw.removeprefix(_PREFIX))
    except (ValueError, UnicodeError):
        raise BadInput(f"Malformed cursor: {cursor[:_ECHO]!r}.", field="after") from None
    if not 0 <= offset <= MAX_OFFSET:
        raise BadInput(f"Cursor out of range: {cursor[:_ECHO]!r}.", field="after")
    return offset


@dataclass(frozen=True)
class PageRequest:
    """A validated slice: `limit` rows starting at `offset`."""

    offset: int
    limit: int

    @classmethod
    def from_args(cls, first: int | None, after: str | None) -> PageRequest:
        limit = DEFAULT_PAGE_SIZE if first is None else first
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise BadInput(
                f"`first` must be between 1 and {MAX_PAGE_SIZE}, got {limit}.", field="first"
            )
        offset = 0 if after is None else decode_cursor(after) + 1
        return cls(offset=offset, limit=limit)


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.federation.type(shareable=True)
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.federation.type(shareable=True)
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def build(
        cls,
        items: Sequence[S],
        page: PageRequest,
        total: int,
        to_node: Callable[[S], T],
    ) -> Connection[T]:
        """Wrap one page of domain items, numbering cursors from the page's offset."""
        edges = [
            Edge(cursor=encode_cursor(page.offset + index), node=to_node(item))
            for index, item in enumerate(items)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.offset + len(items) < total,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

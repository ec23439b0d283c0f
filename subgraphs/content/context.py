"""The content subgraph's per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.context import BaseContext
from subgraphs.common.profile_limits import ProfileLimitStore
from subgraphs.content.adapters.repository import ContentRepository
from subgraphs.content.loaders import Loaders
from subgraphs.content.search import SearchService

__all__ = ["Context"]


@dataclass
class Context(BaseContext):
    repo: ContentRepository
    loaders: Loaders
    search: SearchService
    profiles: ProfileLimitStore

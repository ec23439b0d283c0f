"""The content subgraph's per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.context import BaseContext
from subgraphs.common.profile_limits import ProfileLimitStore
from subgraphs.content.availability.adapters.repository import AvailabilityRepository
from subgraphs.content.catalog.adapters.repository import ContentRepository
from subgraphs.content.catalog.adapters.viewers import ViewerPlatformsStore
from subgraphs.content.catalog.loaders import Loaders
from subgraphs.content.search.services import SearchService

__all__ = ["Context"]


@dataclass
class Context(BaseContext):
    """Per request: the services `create_app` built once, and this request's loaders."""

    repo: ContentRepository
    loaders: Loaders
    search: SearchService
    profiles: ProfileLimitStore
    availability: AvailabilityRepository
    viewers: ViewerPlatformsStore

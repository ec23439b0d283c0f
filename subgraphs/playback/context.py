"""The playback subgraph's per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.context import BaseContext
from subgraphs.playback.adapters.control import ControlRepository
from subgraphs.playback.adapters.device_channel import DeviceChannel
from subgraphs.playback.adapters.facts import FactsRepository
from subgraphs.playback.adapters.publisher import PlaybackFeed, PlaybackPublisher
from subgraphs.playback.adapters.repository import PlaybackRepository
from subgraphs.playback.loaders import Loaders

__all__ = ["Context"]


@dataclass
class Context(BaseContext):
    repo: PlaybackRepository
    loaders: Loaders
    publisher: PlaybackPublisher
    feed: PlaybackFeed
    # Remote control, presence and projected facts (devices/ part of the subgraph).
    control: ControlRepository
    facts: FactsRepository
    devices: DeviceChannel

"""The playback app served in-process, and the operations its tests share."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.inprocess import SubgraphClient, run_subgraph

__all__ = ["register", "start"]

REGISTER = """
mutation($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { id name kind online capabilities { maxResolution canCast } }
}
"""
START = """
mutation($input: StartPlaybackInput!) {
  startPlayback(input: $input) {
    id positionSeconds durationSeconds state resumePositionSeconds device { id } title { id }
  }
}
"""


@pytest.fixture
def playback(database_url: str, redis_url: str) -> Iterator[SubgraphClient]:
    with run_subgraph("playback", database_url, redis_url) as client:
        yield client


def register(client: SubgraphClient, user: uuid.UUID, name: str = "TV",
             kind: str = "TV") -> dict[str, Any]:
    return client.execute(
        REGISTER,
        {"input": {"name": name, "kind": kind,
                   "capabilities": {"maxResolution": "UHD", "hdrFormats": ["HDR10"],
                                    "canCast": True}}},
        user_id=user,
    )


def start(client: SubgraphClient, user: uuid.UUID, device_id: str, duration: int = 6_000,
          position: int = 0) -> dict[str, Any]:
    return client.execute(
        START,
        {"input": {"deviceId": device_id, "titleId": str(uuid.uuid4()),
                   "durationSeconds": duration, "positionSeconds": position}},
        user_id=user,
    )

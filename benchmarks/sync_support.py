"""What the sync benchmarks share: a small graphql-transport-ws subscriber and percentiles."""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

__all__ = ["SUBSCRIBE", "cpu_seconds", "percentiles", "subscribe"]

SUBSCRIBE = """subscription($sv: String) { syncUpdates(stateVector: $sv) {
  catchUp originDeviceId events { kind titleId } } }"""


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux): steadier than wall-clock
    figures on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds of samples in seconds."""
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


async def subscribe(
    url: str, init: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
) -> ClientConnection:
    """An open socket subscribed to `syncUpdates`, past its catch-up message."""
    socket = await connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           additional_headers=dict(headers or {}), max_queue=None,
                           open_timeout=60)
    await socket.send(json.dumps({"type": "connection_init", "payload": dict(init or {})}))
    ack = json.loads(await socket.recv())
    assert ack["type"] == "connection_ack", ack
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    first = json.loads(await socket.recv())
    assert first["type"] == "next" and first["payload"]["data"]["syncUpdates"]["catchUp"], first
    return socket

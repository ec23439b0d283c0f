"""Where each subgraph listens in a local stack: one table for the operations package
(`mediagateway.registry`) and for a subgraph that calls another on its own (content asks
recommendations for personal scores)."""

from __future__ import annotations

__all__ = ["LOCAL_PORTS", "local_url"]

# Content first: the others refer to its titles (the seed runs in this order).
LOCAL_PORTS: dict[str, int] = {"content": 4001, "users": 4002, "recommendations": 4003,
                               "playback": 4004}


def local_url(subgraph: str) -> str:
    return f"http://127.0.0.1:{LOCAL_PORTS[subgraph]}"

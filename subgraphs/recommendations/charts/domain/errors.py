"""Charts' domain errors: what a caller asked for that no chart has."""

from __future__ import annotations

from collections.abc import Iterable

from subgraphs.common.errors import BadInput

__all__ = ["UnknownPlatform", "UnknownRegion"]

_SHOWN = 20


def _known(values: Iterable[str]) -> str:
    listed = sorted(values)
    return ", ".join(listed[:_SHOWN]) + (" …" if len(listed) > _SHOWN else "") or "none yet"


class UnknownRegion(BadInput):
    def __init__(self, region: str, known: Iterable[str]) -> None:
        super().__init__(f"No chart for region {region[:8]!r}; known: {_known(known)}.",
                         field="region")


class UnknownPlatform(BadInput):
    def __init__(self, platform: str, known: Iterable[str]) -> None:
        super().__init__(f"No chart for platform {platform[:40]!r}; known: {_known(known)}.",
                         field="platform")

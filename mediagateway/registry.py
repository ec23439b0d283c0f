"""The four subgraphs: where each listens and where its app and models live."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.common.ports import LOCAL_PORTS

__all__ = ["SUBGRAPHS", "Subgraph"]


@dataclass(frozen=True)
class Subgraph:
    name: str
    port: int

    @property
    def app(self) -> str:
        return f"subgraphs.{self.name}.app:create_app"

    @property
    def models(self) -> str:
        return f"subgraphs.{self.name}.adapters.orm"

    @property
    def package(self) -> str:
        return f"subgraphs.{self.name}"


SUBGRAPHS: dict[str, Subgraph] = {name: Subgraph(name, port) for name, port in LOCAL_PORTS.items()}

"""Search settings (`MG_SEARCH_*`, `WEAVIATE_URL`, `OPENAI_*`, `RECOMMENDATIONS_URL`,
`MG_PERSONAL_*`), read once in `create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mediagateway.registry import SUBGRAPHS
from subgraphs.common.settings import DEFAULT_DATA_DIR
from subgraphs.content.search.domain.fusion import DEFAULT_ALPHA, RANKED, RELATIVE

__all__ = ["DEFAULT_PERSONAL_TIMEOUT", "DEFAULT_RECOMMENDATIONS_URL", "SearchSettings",
           "recommendations_base_url"]

# Where the stack runs recommendations unless told otherwise (`mediagateway.stack` exports
# RECOMMENDATIONS_URL to every process, so this is for a subgraph started on its own).
DEFAULT_RECOMMENDATIONS_URL = f"http://127.0.0.1:{SUBGRAPHS['recommendations'].port}"
# The call costs a few ms on a kept-alive connection (benchmarks/RESULTS.md); this bounds a
# slow or hung recommendations to 200 ms of search time, inside search's p95 targets (200 ms
# simple, 500 ms natural language). 50 ms gave the personal part up on a loaded 2-core CI
# machine running the whole stack on PostgreSQL.
DEFAULT_PERSONAL_TIMEOUT = 0.2


def recommendations_base_url(url: str) -> str:
    """The subgraph's base URL; the router's variable names its GraphQL endpoint, so a
    trailing `/graphql` is dropped."""
    url = url.strip().rstrip("/")
    return url.removesuffix("/graphql")


@dataclass(frozen=True)
class SearchSettings:
    """Attributes:
        data_dir: the LanceDB index lives in `data_dir/search`.
        model_dir: where the MiniLM ONNX graph is built once (shared by every data dir).
        cache_dir: embedding cache per vector space (seeding re-embeds nothing it has seen).
        engine: "lancedb" (default, embedded) or "weaviate" (needs `weaviate_url`).
        weaviate_url: e.g. http://127.0.0.1:8080 (gRPC on 50051 of the same host).
        alpha: vector weight against keyword (relative score fusion), 0..1.
        fusion: "relativeScore" or "ranked".
        embed_timeout: seconds before the vector part gives up and the search goes on without it.
        personal_url: base URL of the recommendations subgraph, asked for the viewer's scores
            (the `personal` part); None switches personalisation off.
        personal_timeout: seconds the personal call may take in all before the search goes on
            without it (reported in `missingParts`).
    """

    data_dir: Path
    model_dir: Path
    cache_dir: Path
    engine: str = "lancedb"
    weaviate_url: str | None = None
    alpha: float = DEFAULT_ALPHA
    fusion: str = RELATIVE
    embed_timeout: float = 2.0
    personal_url: str | None = DEFAULT_RECOMMENDATIONS_URL
    personal_timeout: float = DEFAULT_PERSONAL_TIMEOUT

    def __post_init__(self) -> None:
        if self.engine not in ("lancedb", "weaviate"):
            raise ValueError(f"MG_SEARCH_ENGINE must be lancedb or weaviate, not {self.engine!r}")
        if self.engine == "weaviate" and not self.weaviate_url:
            raise ValueError("MG_SEARCH_ENGINE=weaviate needs WEAVIATE_URL")
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"MG_SEARCH_ALPHA must be within 0..1, got {self.alpha}")
        if self.fusion not in (RELATIVE, RANKED):
            raise ValueError(f"MG_SEARCH_FUSION must be {RELATIVE} or {RANKED}")
        if self.personal_timeout <= 0:
            raise ValueError(f"MG_PERSONAL_TIMEOUT must be positive, got {self.personal_timeout}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SearchSettings:
        env = os.environ if env is None else env
        weaviate_url = env.get("WEAVIATE_URL") or None
        personal = env.get("MG_PERSONAL_SCORES", "on").strip().lower()
        if personal not in ("on", "off"):
            raise ValueError(f"MG_PERSONAL_SCORES must be on or off, not {personal!r}")
        personal_url = recommendations_base_url(
            env.get("RECOMMENDATIONS_URL") or DEFAULT_RECOMMENDATIONS_URL)
        return cls(
            data_dir=Path(env.get("MG_DATA_DIR", DEFAULT_DATA_DIR)),
            model_dir=Path(env.get("MG_MODEL_DIR", "var/models")),
            cache_dir=Path(env.get("MG_EMBEDDING_CACHE_DIR", "var/cache/embeddings")),
            engine=env.get("MG_SEARCH_ENGINE", "weaviate" if weaviate_url else "lancedb"),
            weaviate_url=weaviate_url,
            alpha=float(env.get("MG_SEARCH_ALPHA", DEFAULT_ALPHA)),
            fusion=env.get("MG_SEARCH_FUSION", RELATIVE),
            embed_timeout=float(env.get("MG_EMBED_TIMEOUT", "2.0")),
            personal_url=personal_url if personal == "on" else None,
            personal_timeout=float(env.get("MG_PERSONAL_TIMEOUT", DEFAULT_PERSONAL_TIMEOUT)),
        )

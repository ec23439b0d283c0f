"""Search settings (`MG_SEARCH_*`, `WEAVIATE_URL`, `OPENAI_*`), read once in `create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from subgraphs.common.settings import DEFAULT_DATA_DIR
from subgraphs.content.domain.fusion import DEFAULT_ALPHA, RANKED, RELATIVE

__all__ = ["SearchSettings"]


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
    """

    data_dir: Path
    model_dir: Path
    cache_dir: Path
    engine: str = "lancedb"
    weaviate_url: str | None = None
    alpha: float = DEFAULT_ALPHA
    fusion: str = RELATIVE
    embed_timeout: float = 2.0

    def __post_init__(self) -> None:
        if self.engine not in ("lancedb", "weaviate"):
            raise ValueError(f"MG_SEARCH_ENGINE must be lancedb or weaviate, not {self.engine!r}")
        if self.engine == "weaviate" and not self.weaviate_url:
            raise ValueError("MG_SEARCH_ENGINE=weaviate needs WEAVIATE_URL")
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"MG_SEARCH_ALPHA must be within 0..1, got {self.alpha}")
        if self.fusion not in (RELATIVE, RANKED):
            raise ValueError(f"MG_SEARCH_FUSION must be {RELATIVE} or {RANKED}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SearchSettings:
        env = os.environ if env is None else env
        weaviate_url = env.get("WEAVIATE_URL") or None
        return cls(
            data_dir=Path(env.get("MG_DATA_DIR", DEFAULT_DATA_DIR)),
            model_dir=Path(env.get("MG_MODEL_DIR", "var/models")),
            cache_dir=Path(env.get("MG_EMBEDDING_CACHE_DIR", "var/cache/embeddings")),
            engine=env.get("MG_SEARCH_ENGINE", "weaviate" if weaviate_url else "lancedb"),
            weaviate_url=weaviate_url,
            alpha=float(env.get("MG_SEARCH_ALPHA", DEFAULT_ALPHA)),
            fusion=env.get("MG_SEARCH_FUSION", RELATIVE),
            embed_timeout=float(env.get("MG_EMBED_TIMEOUT", "2.0")),
        )

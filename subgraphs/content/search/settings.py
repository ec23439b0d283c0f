"""Search settings (`MG_CONTENT_SEARCH_*`, `MG_CONTENT_EMBEDDING*`, `MG_CONTENT_PERSONAL_*`,
`WEAVIATE_URL`, `OPENAI_*`, `RECOMMENDATIONS_URL`), part of content's settings, read once in
`create_app`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from pydantic import Field, model_validator

from subgraphs.common.ports import local_url
from subgraphs.common.settings import DEFAULT_DATA_DIR, EnvSettings, env_name
from subgraphs.content.search.domain.fusion import DEFAULT_ALPHA, RANKED, RELATIVE

__all__ = ["DEFAULT_PERSONAL_TIMEOUT", "DEFAULT_RECOMMENDATIONS_URL", "SearchSettings",
           "recommendations_base_url"]

# Where the stack runs recommendations unless told otherwise (`mediagateway.stack` exports
# RECOMMENDATIONS_URL to every process, so this is for a subgraph started on its own).
DEFAULT_RECOMMENDATIONS_URL = local_url("recommendations")
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


class SearchSettings(EnvSettings):
    """Attributes:
        data_dir: the LanceDB index lives in `data_dir/search`.
        model_dir: where the MiniLM ONNX graph is built once (shared by every data dir).
        cache_dir: embedding cache per vector space (seeding re-embeds nothing it has seen).
        engine: "lancedb" (default, embedded) or "weaviate" (default when `weaviate_url` is set).
        weaviate_url: e.g. http://127.0.0.1:8080 (gRPC on 50051 of the same host).
        alpha: vector weight against keyword (relative score fusion), 0..1.
        fusion: "relativeScore" or "ranked".
        embed_timeout: seconds before the vector part gives up and the search goes on without it.
        embeddings: "local" forces MiniLM even with an OpenAI key.
        embedding_precision: MiniLM's, "int8" (default) or "fp32"; each has its own index.
        openai_api_key, openai_base_url: embed with OpenAI when a key is set.
        openai_embedding_dimensions: the OpenAI embeddings' size.
        recommendations_url: the recommendations subgraph, asked for the viewer's scores.
        personal_scores: "on", or "off" to leave the `personal` part out.
        personal_timeout: seconds the personal call may take in all before the search goes on
            without it (reported in `missingParts`).
    """

    data_dir: Path = Field(Path(DEFAULT_DATA_DIR), validation_alias="MG_DATA_DIR")
    model_dir: Path = Field(Path("var/models"),
                            validation_alias=env_name("MG_CONTENT_MODEL_DIR", "MG_MODEL_DIR"))
    cache_dir: Path = Field(Path("var/cache/embeddings"), validation_alias=env_name(
        "MG_CONTENT_EMBEDDING_CACHE_DIR", "MG_EMBEDDING_CACHE_DIR"))
    engine: str = Field("lancedb",
                        validation_alias=env_name("MG_CONTENT_SEARCH_ENGINE", "MG_SEARCH_ENGINE"))
    weaviate_url: str | None = Field(None, validation_alias="WEAVIATE_URL")
    alpha: float = Field(DEFAULT_ALPHA,
                         validation_alias=env_name("MG_CONTENT_SEARCH_ALPHA", "MG_SEARCH_ALPHA"))
    fusion: str = Field(RELATIVE,
                        validation_alias=env_name("MG_CONTENT_SEARCH_FUSION", "MG_SEARCH_FUSION"))
    embed_timeout: float = Field(
        2.0, validation_alias=env_name("MG_CONTENT_EMBED_TIMEOUT", "MG_EMBED_TIMEOUT"))
    embeddings: str = Field("", validation_alias=env_name("MG_CONTENT_EMBEDDINGS", "MG_EMBEDDINGS"))
    embedding_precision: str = Field("int8", validation_alias=env_name(
        "MG_CONTENT_EMBEDDING_PRECISION", "MG_EMBEDDING_PRECISION"))
    openai_api_key: str | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    openai_embedding_dimensions: int = Field(512, validation_alias=env_name(
        "MG_CONTENT_OPENAI_EMBEDDING_DIMENSIONS", "MG_OPENAI_EMBEDDING_DIMENSIONS"))
    recommendations_url: str = Field(DEFAULT_RECOMMENDATIONS_URL,
                                     validation_alias="RECOMMENDATIONS_URL")
    personal_scores: str = Field("on", validation_alias=env_name(
        "MG_CONTENT_PERSONAL_SCORES", "MG_PERSONAL_SCORES"))
    personal_timeout: float = Field(DEFAULT_PERSONAL_TIMEOUT, validation_alias=env_name(
        "MG_CONTENT_PERSONAL_TIMEOUT", "MG_PERSONAL_TIMEOUT"))

    @classmethod
    def derived_defaults(cls, env: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
        return {"engine": "weaviate" if env.get("WEAVIATE_URL") else "lancedb"}

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.engine not in ("lancedb", "weaviate"):
            raise ValueError(
                f"MG_CONTENT_SEARCH_ENGINE must be lancedb or weaviate, not {self.engine!r}")
        if self.engine == "weaviate" and not self.weaviate_url:
            raise ValueError("MG_CONTENT_SEARCH_ENGINE=weaviate needs WEAVIATE_URL")
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"MG_CONTENT_SEARCH_ALPHA must be within 0..1, got {self.alpha}")
        if self.fusion not in (RELATIVE, RANKED):
            raise ValueError(f"MG_CONTENT_SEARCH_FUSION must be {RELATIVE} or {RANKED}")
        if self.personal_scores.strip().lower() not in ("on", "off"):
            raise ValueError(
                f"MG_CONTENT_PERSONAL_SCORES must be on or off, not {self.personal_scores!r}")
        if self.personal_timeout <= 0:
            raise ValueError(
                f"MG_CONTENT_PERSONAL_TIMEOUT must be positive, got {self.personal_timeout}")
        return self

    @property
    def personal_url(self) -> str | None:
        """Base URL of the recommendations subgraph; None switches personalisation off."""
        if self.personal_scores.strip().lower() == "off":
            return None
        return recommendations_base_url(self.recommendations_url)

"""OpenAI `text-embedding-3-small`, used when `OPENAI_API_KEY` is set."""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.content.search.adapters.embeddings.base import BATCH_SIZE, EmbeddingError, batches

__all__ = ["OpenAIEmbeddingProvider"]


class OpenAIEmbeddingProvider:
    """Batches of 32 per request; the client retries 429/5xx/timeouts with exponential backoff.

    `dimensions` shortens the vectors server-side (text-embedding-3 models support it), so a
    384-dimensional OpenAI index is still a different index from MiniLM's: the name differs.
    """

    def __init__(
        self,
        api_key: str,
        *,
        model: str = "text-embedding-3-small",
        dimensions: int = 512,
        base_url: str | None = None,
        timeout: float = 5.0,
        max_retries: int = 3,
    ) -> None:
        import openai

        self.name = f"openai-{model}"
        self.dimensions = dimensions
        self._model = model
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import openai

        out: list[list[float]] = []
        for batch in batches(list(texts), BATCH_SIZE):
            try:
                response = await self._client.embeddings.create(
                    input=list(batch), model=self._model, dimensions=self.dimensions,
                    encoding_format="float",
                )
            except openai.OpenAIError as exc:
                raise EmbeddingError(f"OpenAI embeddings failed: {exc}") from exc
            # The API may answer out of order; `index` says which input each vector is for.
            ordered = sorted(response.data, key=lambda item: item.index)
            if len(ordered) != len(batch) or any(
                len(item.embedding) != self.dimensions for item in ordered
            ):
                raise EmbeddingError("OpenAI embeddings answer does not match the request.")
            out.extend(list(item.embedding) for item in ordered)
        return out

    async def close(self) -> None:
        await self._client.close()

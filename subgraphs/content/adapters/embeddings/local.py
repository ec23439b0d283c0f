"""The default provider: all-MiniLM-L6-v2 on ONNX Runtime, fully offline."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from subgraphs.content.adapters.embeddings.base import BATCH_SIZE
from subgraphs.content.adapters.embeddings.minilm_onnx import MODEL_NAME, ensure_model, model_dir

__all__ = ["PRECISIONS", "LocalEmbeddingProvider"]

_MAX_TOKENS = 256  # the model's max_seq_length in sentence_bert_config.json
PRECISIONS = ("fp32", "int8")


class LocalEmbeddingProvider:
    """384-dimensional unit vectors; one ONNX session, run off the event loop.

    `precision="int8"` runs the dynamically quantised graph (minilm_int8.py). Its vectors are
    close to fp32's but not equal, so it is another vector space: its own `name`, hence its own
    index and embedding-cache file (`index_key`).
    """

    dimensions = 384

    def __init__(self, cache_dir: Path, threads: int = 2, precision: str = "fp32") -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"MG_EMBEDDING_PRECISION must be fp32 or int8, not {precision!r}")
        self.precision = precision
        self.name = MODEL_NAME if precision == "fp32" else f"{MODEL_NAME}-{precision}"
        self._cache_dir = cache_dir
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        # One inference at a time: ORT already uses every core we give it.
        self._lock = asyncio.Lock()

    def _load(self) -> None:
        """Open the model on first use (building the ONNX file once), not at app start."""
        if self._session is not None:
            return
        import onnxruntime as ort
        from tokenizers import Tokenizer

        weights = model_dir()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # shape-merge warnings of the hand-built graph are noise
        # Idle workers would spin for a while after each run, holding a core the search's other
        # parts need (2 cores: 15.7 -> 7.7 ms CPU per one-text query, +1-2 ms wall).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        tokenizer = Tokenizer.from_file(str(weights / "tokenizer.json"))
        # The packaged tokenizer pads every text to 128 tokens; pad to the batch's longest.
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        tokenizer.enable_truncation(_MAX_TOKENS)
        self._tokenizer = tokenizer
        self._session = ort.InferenceSession(
            str(self._model_file(weights)), options, providers=["CPUExecutionProvider"],
            # ORT's fused SkipLayerNormalization kernel is 3x slower here than the Add and
            # LayerNormalization it replaces (int8 graph: 24.6 -> 7.7 ms of a 32-text batch,
            # -8 % CPU; the fp32 graph's pattern does not fuse, so it is unchanged).
            disabled_optimizers=["SkipLayerNormFusion"],
        )

    def _model_file(self, weights: Path) -> Path:
        if self.precision == "int8":
            from subgraphs.content.adapters.embeddings.minilm_int8 import ensure_int8_model

            return ensure_int8_model(self._cache_dir, weights)
        return ensure_model(self._cache_dir, weights)

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        self._load()
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # A batch is padded to its longest text: texts of similar length (in characters, a
        # close proxy for tokens) go together, so little work is spent on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH_SIZE):
            chosen = order[start : start + BATCH_SIZE]
            encoded = self._tokenizer.encode_batch([texts[i] for i in chosen])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[chosen] = vectors
        return out

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        async with self._lock:
            vectors = await asyncio.to_thread(self.embed_sync, list(texts))
        return vectors.tolist()

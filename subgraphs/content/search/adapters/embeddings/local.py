"""The default provider: all-MiniLM-L6-v2 on ONNX Runtime, fully offline."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from subgraphs.content.search.adapters.embeddings.base import BATCH_SIZE
from subgraphs.content.search.adapters.embeddings.minilm_onnx import (
    MODEL_NAME,
    ensure_model,
    model_dir,
)

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
            raise ValueError(
                f"MG_CONTENT_EMBEDDING_PRECISION must be fp32 or int8, not {precision!r}")
        self.precision = precision
        self.name = MODEL_NAME if precision == "fp32" else f"{MODEL_NAME}-{precision}"
        self._cache_dir = cache_dir
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._workers: ThreadPoolExecutor | None = None
        # One call at a time: a call already spreads its batches over every core we give it.
        self._lock = asyncio.Lock()

    def _load(self) -> None:
        """Open the model on first use (building the ONNX file once), not at app start."""
        if self._session is not None:
            return
        import onnxruntime as ort
        from tokenizers import Tokenizer

        weights = model_dir()
        options = ort.SessionOptions()
        # One thread per run; cores are used by running batches side by side (`embed_sync`).
        # ORT's own intra-op threads meet at a barrier after every operator: on 2 shared cores
        # that cost 8-9 % more CPU a text, and wall time whenever one of them was preempted.
        # No pool threads also means no idle worker spinning beside a one-text query.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # shape-merge warnings of the hand-built graph are noise
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
            from subgraphs.content.search.adapters.embeddings.minilm_int8 import ensure_int8_model

            return ensure_int8_model(self._cache_dir, weights)
        return ensure_model(self._cache_dir, weights)

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        return vectors

    def embed_sync(self, texts: Sequence[str]) -> np.ndarray:
        self._load()
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        # A batch is padded to its longest text: texts of similar length (in characters, a
        # close proxy for tokens) go together, so little work is spent on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        # At most BATCH_SIZE texts a run, and a multiple of `threads` runs of equal size, so
        # every core gets the same share (32 texts: 2 x 16; 100: 4 x 25).
        runs = math.ceil(len(order) / BATCH_SIZE)
        runs = min(len(order), math.ceil(runs / self._threads) * self._threads)
        size = math.ceil(len(order) / runs)
        groups = [order[start : start + size] for start in range(0, len(order), size)]
        if len(groups) > 1 and self._threads > 1:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(self._threads, thread_name_prefix="minilm")
            results = self._workers.map(lambda group: self._run([texts[i] for i in group]),
                                        groups)
        else:
            results = (self._run([texts[i] for i in group]) for group in groups)
        for group, vectors in zip(groups, results, strict=True):
            out[group] = vectors
        return out

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        async with self._lock:
            vectors = await asyncio.to_thread(self.embed_sync, list(texts))
        return vectors.tolist()

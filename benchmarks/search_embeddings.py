"""Latency of the local embedding provider (all-MiniLM-L6-v2 on ONNX Runtime, 2 threads).

    .venv/bin/python benchmarks/search_embeddings.py [--rounds 200]

Prints p50/p95 for one short query and for a batch of 32 catalog-like texts, and the time to
build the ONNX graph from the packaged weights (done once per machine, at first use).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from subgraphs.content.adapters.embeddings.local import LocalEmbeddingProvider
from subgraphs.content.adapters.embeddings.minilm_onnx import ensure_model

QUERIES = ["dark 90s sci-fi like blade runner", "toy stroy", "feel-good family comedy",
           "gritty crime drama in new york", "space adventure with robots"]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ensure_model(Path(tmp))
        print(f"ONNX graph built from safetensors in {time.perf_counter() - started:.2f} s")
    provider = LocalEmbeddingProvider(Path("var/models"))
    provider.embed_sync(["warm up"])
    single = []
    for i in range(rounds):
        text = QUERIES[i % len(QUERIES)]
        started = time.perf_counter()
        provider.embed_sync([text])
        single.append(time.perf_counter() - started)
    batch_texts = [f"Title number {i} ({1950 + i}) - Action, Adventure, Science Fiction. "
                   f"A crew of {i} travels far." for i in range(32)]
    batch = []
    for _ in range(max(10, rounds // 10)):
        started = time.perf_counter()
        provider.embed_sync(batch_texts)
        batch.append(time.perf_counter() - started)
    print(f"single text: p50 {_pct(single, 0.5):.1f} ms  p95 {_pct(single, 0.95):.1f} ms "
          f"(n={len(single)})")
    print(f"batch of 32: p50 {_pct(batch, 0.5):.1f} ms  p95 {_pct(batch, 0.95):.1f} ms "
          f"(n={len(batch)}; {32 / statistics.median(batch):.0f} texts/s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    main(parser.parse_args().rounds)

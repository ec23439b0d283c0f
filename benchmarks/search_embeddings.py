"""Latency of the local embedding provider (all-MiniLM-L6-v2 on ONNX Runtime, 2 threads).

    .venv/bin/python -m benchmarks.search_embeddings [--rounds 200] [--precision fp32,int8]

Per precision (`MG_CONTENT_EMBEDDING_PRECISION`): p50/p95 for one short query, and for a batch of 32
ingestion-like texts (texts/s, and CPU ms per text: the steadier figure on a shared machine);
for int8 also the cosine of its vectors to fp32's (min/mean) over those texts and the MovieLens
document texts. First, the time to build each ONNX graph (done once per machine, at first use).
The precisions are timed in alternating rounds, so a change of load hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider
from subgraphs.content.search.adapters.embeddings.minilm_int8 import ensure_int8_model
from subgraphs.content.search.adapters.embeddings.minilm_onnx import ensure_model

QUERIES = ["dark 90s sci-fi like blade runner", "toy stroy", "feel-good family comedy",
           "gritty crime drama in new york", "space adventure with robots"]
WORDS = ("night", "river", "ghost", "empire", "silent", "city", "last", "summer", "code",
         "winter", "garden", "storm", "echo", "iron", "paper", "glass", "wild", "blue")
GENRES = ("Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama",
          "Family", "Fantasy", "Horror", "Mystery", "Romance", "Science Fiction", "Thriller")


def ingest_text(n: int) -> str:
    """What benchmarks/ingest_bench.py's records become (document_text)."""
    words = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(3)]
    genres = ", ".join(GENRES[(n + k) % len(GENRES)] for k in range(3))
    return (f"{' '.join(words).title()} {n} ({1950 + n % 75}) - {genres}. "
            f"A story about {words[0]} and {words[1]} in the {words[2]}.")


def movielens_texts() -> list[str]:
    try:
        from mediagateway.movielens import MovieLens

        items = MovieLens().items
    except RuntimeError:  # the data set is installed by scripts/up; skip when absent
        return []
    return [f"{item.title}" + (f" ({item.year})" if item.year else "") + " - "
            + ", ".join(g.replace("-", " ").title() for g in item.genres) + "." for item in items]


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(rounds: int, precisions: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ensure_model(Path(tmp))
        print(f"fp32 ONNX graph built from safetensors in {time.perf_counter() - started:.2f} s")
        if "int8" in precisions:
            started = time.perf_counter()
            ensure_int8_model(Path(tmp))
            print(f"int8 graph quantised from it in {time.perf_counter() - started:.2f} s")
    providers = {p: LocalEmbeddingProvider(Path("var/models"), precision=p) for p in precisions}
    batch_texts = [ingest_text(n) for n in range(32)]
    single: dict[str, list[float]] = {p: [] for p in precisions}
    batch: dict[str, list[float]] = {p: [] for p in precisions}
    cpu: dict[str, list[float]] = {p: [] for p in precisions}
    for provider in providers.values():
        provider.embed_sync(batch_texts)
    for i in range(rounds):
        for precision, provider in providers.items():
            started = time.perf_counter()
            provider.embed_sync([QUERIES[i % len(QUERIES)]])
            single[precision].append(time.perf_counter() - started)
            if i % 10 == 0:
                started, cpu_started = time.perf_counter(), time.process_time()
                provider.embed_sync(batch_texts)
                batch[precision].append(time.perf_counter() - started)
                cpu[precision].append(time.process_time() - cpu_started)
    for precision in precisions:
        median = statistics.median(batch[precision])
        print(f"{precision}: single text p50 {_pct(single[precision], 0.5):.1f} ms, "
              f"p95 {_pct(single[precision], 0.95):.1f} ms (n={rounds}); batch of 32 p50 "
              f"{median * 1000:.1f} ms, p95 {_pct(batch[precision], 0.95):.1f} ms "
              f"(n={len(batch[precision])}; {32 / median:.0f} texts/s; CPU "
              f"{statistics.median(cpu[precision]) * 1000 / 32:.2f} ms a text)")
    if "fp32" in providers:
        for name, texts in (("ingestion texts", [ingest_text(n) for n in range(1024)]),
                            ("MovieLens texts", movielens_texts()), ("queries", QUERIES)):
            if not texts:
                continue
            reference = providers["fp32"].embed_sync(texts)
            for precision in precisions:
                if precision != "fp32":
                    cosine = (providers[precision].embed_sync(texts) * reference).sum(axis=1)
                    print(f"{precision} vs fp32 cosine on {len(texts)} {name}: min "
                          f"{np.min(cosine):.4f}, mean {np.mean(cosine):.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--precision", default="fp32,int8",
                        help="comma-separated precisions to time: fp32, int8")
    args = parser.parse_args()
    main(args.rounds, args.precision.split(","))

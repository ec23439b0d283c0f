"""MiniLM in int8 (`MG_CONTENT_EMBEDDING_PRECISION=int8`): close to the reference, and its own
space."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from subgraphs.content.search.adapters.embeddings import index_key, make_provider
from subgraphs.content.search.adapters.embeddings.cache import CachedEmbeddingProvider
from subgraphs.content.search.adapters.embeddings.local import LocalEmbeddingProvider
from subgraphs.content.search.adapters.embeddings.minilm_int8 import ensure_int8_model
from subgraphs.content.search.build import make_index
from subgraphs.content.search.settings import SearchSettings

REFERENCE = json.loads((Path(__file__).parents[2] / "data" / "minilm_reference.json").read_text())
MODEL_DIR = Path("var/models")
# Over ~2,800 catalog texts and queries the int8 vectors' lowest cosine to fp32 was 0.98
# (benchmarks/RESULTS.md, "Embeddings precision"); 0.97 leaves room for another CPU's int8
# kernel, and is far above what a wrong graph gives (unrelated texts: ~0.0-0.5).
MIN_COSINE = 0.97


@pytest.fixture(scope="module")
def int8() -> LocalEmbeddingProvider:
    return LocalEmbeddingProvider(MODEL_DIR, precision="int8")


async def test_int8_vectors_are_close_to_sentence_transformers(
    int8: LocalEmbeddingProvider,
) -> None:
    vectors = np.asarray(await int8.embed(REFERENCE["texts"]))
    reference = np.asarray(REFERENCE["vectors"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= MIN_COSINE, cosines
    # Each text is still nearest to its own reference vector, not another text's.
    assert list((vectors @ reference.T).argmax(axis=1)) == [0, 1, 2]


async def test_int8_is_really_quantised(int8: LocalEmbeddingProvider) -> None:
    ops = {node.op_type for node in onnx.load(ensure_int8_model(MODEL_DIR)).graph.node}
    assert "MatMulInteger" in ops
    fp32 = LocalEmbeddingProvider(MODEL_DIR)
    [ours], [theirs] = await int8.embed(["Heat (1995)"]), await fp32.embed(["Heat (1995)"])
    assert not np.allclose(ours, theirs, atol=1e-4), "the int8 session ran the fp32 graph"


def test_precision_is_chosen_by_the_setting(tmp_path: Path) -> None:
    def provider(precision: str | None) -> object:
        env = {"MG_CONTENT_EMBEDDING_PRECISION": precision} if precision else {}
        return make_provider(SearchSettings.from_env(env, model_dir=tmp_path))

    chosen = provider("fp32")
    assert isinstance(chosen, LocalEmbeddingProvider) and chosen.precision == "fp32"
    default = provider(None)
    assert isinstance(default, LocalEmbeddingProvider) and default.precision == "int8"
    with pytest.raises(ValueError, match="MG_CONTENT_EMBEDDING_PRECISION"):
        provider("fp16")


def test_int8_has_its_own_index(tmp_path: Path, int8: LocalEmbeddingProvider) -> None:
    fp32 = LocalEmbeddingProvider(MODEL_DIR)
    assert index_key(fp32) == "titles_all_minilm_l6_v2_384", "fp32 indices keep their name"
    assert index_key(int8) == "titles_all_minilm_l6_v2_int8_384"
    settings = SearchSettings(data_dir=tmp_path, model_dir=MODEL_DIR, cache_dir=tmp_path)
    names = {make_index(settings, provider).name for provider in (fp32, int8)}  # type: ignore[attr-defined]
    assert names == {index_key(fp32), index_key(int8)}


async def test_cache_never_serves_fp32_vectors_to_int8(
    tmp_path: Path, int8: LocalEmbeddingProvider
) -> None:
    text = "Night River Ghost 1234 (2000) - Action, Comedy, Drama."
    fp32_cached = CachedEmbeddingProvider(LocalEmbeddingProvider(MODEL_DIR), tmp_path)
    int8_cached = CachedEmbeddingProvider(int8, tmp_path)
    try:
        [from_fp32] = await fp32_cached.embed([text])
        [from_int8] = await int8_cached.embed([text])
        [direct] = await int8.embed([text])
    finally:
        fp32_cached.close()
        int8_cached.close()
    assert np.allclose(from_int8, direct, atol=1e-6)
    assert not np.allclose(from_int8, from_fp32, atol=1e-4)
    assert len(list(tmp_path.glob("*.sqlite3"))) == 2

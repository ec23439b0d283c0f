"""The model artifact on disk: one `.npz` of arrays and a JSON header, swapped atomically.

The worker writes `sona-<version>.npz` next to the current one and then renames a small
`current.json` pointer over the old: a reader sees either the old or the new model, never half
of one. Serving processes poll the pointer and load a new version in a thread, so requests keep
being answered by the old model until the new one is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import uuid
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from subgraphs.recommendations.domain.engine.model import SonaModel
from subgraphs.recommendations.domain.engine.params import Params

__all__ = ["ModelHolder", "load", "save"]

logger = logging.getLogger("mediagateway.recommendations")
POINTER = "current.json"
_KEEP = 3


def _sparse(prefix: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    m = matrix.tocsr()
    return {f"{prefix}_data": m.data, f"{prefix}_indices": m.indices,
            f"{prefix}_indptr": m.indptr, f"{prefix}_shape": np.array(m.shape)}


def _unsparse(arrays: np.lib.npyio.NpzFile, prefix: str) -> sp.csr_matrix:
    return sp.csr_matrix(
        (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]),
        shape=tuple(arrays[f"{prefix}_shape"]),
    )


def save(model: SonaModel, directory: Path) -> Path:
    """Write the model and point `current.json` at it; old artifacts beyond a few are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    regions = sorted(model.trending_by_region)
    header = {
        "version": model.version, "built_at": model.built_at, "params": model.params.to_dict(),
        "feature_names": model.feature_names, "regions": regions, "stats": model.stats,
    }
    path = directory / f"sona-{model.version}.npz"
    partial = directory / f".{path.name}.{os.getpid()}.partial"
    with partial.open("wb") as handle:
        np.savez(
            handle,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            item_ids=np.frombuffer(b"".join(t.bytes for t in model.item_ids), dtype=np.uint8),
            features=model.features, factors=model.factors, item_factors=model.item_factors,
            trending=model.trending,
            trending_by_region=(np.vstack([model.trending_by_region[r] for r in regions])
                                if regions else np.zeros((0, model.size), np.float32)),
            daypart_features=model.daypart_features,
            **_sparse("collaborative", model.collaborative),
            **_sparse("transitions", model.transitions),
            **_sparse("people", model.people),
        )
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    pointer = directory / f".{POINTER}.{os.getpid()}.partial"
    pointer.write_text(json.dumps({"version": model.version, "file": path.name}))
    pointer.replace(directory / POINTER)
    for old in sorted(directory.glob("sona-*.npz"), key=lambda p: p.stat().st_mtime)[:-_KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
    return path


def _pointer(directory: Path) -> dict[str, str] | None:
    try:
        return json.loads((directory / POINTER).read_text())
    except (OSError, ValueError):
        return None


def load(directory: Path) -> SonaModel | None:
    pointer = _pointer(directory)
    if pointer is None:
        return None
    with np.load(directory / pointer["file"]) as arrays:
        header = json.loads(arrays["header"].tobytes())
        raw_ids = arrays["item_ids"].tobytes()
        item_ids = [uuid.UUID(bytes=raw_ids[i:i + 16]) for i in range(0, len(raw_ids), 16)]
        regional = arrays["trending_by_region"]
        return SonaModel(
            version=header["version"], built_at=header["built_at"],
            params=Params.from_dict(header["params"]), item_ids=item_ids,
            collaborative=_unsparse(arrays, "collaborative"),
            item_factors=arrays["item_factors"],
            transitions=_unsparse(arrays, "transitions"),
            features=arrays["features"], feature_names=list(header["feature_names"]),
            people=_unsparse(arrays, "people"),
            factors=arrays["factors"], trending=arrays["trending"],
            trending_by_region={r: regional[i] for i, r in enumerate(header["regions"])},
            daypart_features=arrays["daypart_features"], stats=header.get("stats", {}),
        )


class ModelHolder:
    """The model serving uses now; `watch` swaps in each new version the worker writes."""

    def __init__(self, directory: Path, poll_seconds: float = 1.0) -> None:
        self.directory = directory
        self.poll_seconds = poll_seconds
        self.model: SonaModel | None = None
        self.loaded_at = 0.0

    def refresh(self) -> bool:
        """Load the pointed-to version if it is not the one held; True when it changed."""
        pointer = _pointer(self.directory)
        if pointer is None or (self.model and self.model.version == pointer["version"]):
            return False
        model = load(self.directory)
        if model is None:
            return False
        # Warm the lazily computed parts before anyone sees the model.
        model.derive()
        self.model, self.loaded_at = model, time.time()
        logger.info("serving recommendations model %s (%d titles)", model.version, model.size)
        return True

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.refresh)
            except Exception:
                # A broken artifact must not take serving down: keep the model held.
                logger.exception("loading the recommendations model failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll_seconds)

"""The model worker: build SONA from this subgraph's facts and publish the artifact.

    python -m subgraphs.recommendations.train [--if-changed]

Reads the recommendations database only (titles, interactions and feedback arrived as
events), builds the model with a progress bar and writes it to `MG_RECOMMENDATIONS_MODEL_DIR`,
where every serving process picks it up without a restart. `--if-changed` does nothing when no
event has arrived since the current model was built. It can run on another machine than serving,
given the same database and a shared model directory.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from tqdm import tqdm

from subgraphs.common.db import close_database, open_database
from subgraphs.recommendations.adapters import artifact
from subgraphs.recommendations.adapters.repository import TortoiseRecommendationsRepository
from subgraphs.recommendations.domain import corpus
from subgraphs.recommendations.domain.engine import training
from subgraphs.recommendations.settings import MODELS, Settings

__all__ = ["main", "train"]


async def train(settings: Settings, if_changed: bool = False) -> str | None:
    """Build and publish a model; its version, or None when nothing changed."""
    await open_database(settings.database_url, MODELS)
    try:
        repo = TortoiseRecommendationsRepository()
        events = await repo.event_count()
        current = artifact.load(settings.model_dir) if if_changed else None
        if current is not None and current.stats.get("events") == events:
            return None
        titles, interactions, feedback, regions = await repo.training_data()
    finally:
        await close_database()
    bar = tqdm(total=1, desc="SONA", unit="step", file=sys.stderr, leave=False)

    def progress(stage: str, done: int, total: int) -> None:
        bar.set_description(f"SONA: {stage}")
        bar.total = total
        bar.n = done
        bar.refresh()

    started = time.monotonic()
    model = await asyncio.to_thread(
        training.build, corpus.catalog_items(titles),
        corpus.training_users(interactions, feedback, regions), None, None, progress)
    bar.close()
    model.stats["events"] = events
    path = artifact.save(model, settings.model_dir)
    print(f"model {model.version}: {model.size} titles, {len(interactions)} interactions, "
          f"{len(feedback)} feedback, built in {time.monotonic() - started:.1f} s -> {path}",
          file=sys.stderr)
    return model.version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-changed", action="store_true",
                        help="skip when no event arrived since the current model")
    args = parser.parse_args()
    asyncio.run(train(Settings.from_env(), args.if_changed))


if __name__ == "__main__":
    main()

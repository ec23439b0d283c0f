"""A small synthetic world with clear taste clusters, for tests of the learned engine.

Three clusters of ten titles (space sci-fi, romance, family animation) and two horror titles;
sixty viewers each watch a run of one cluster in order. Someone who watched four sci-fi titles
should be offered the rest of the sci-fi cluster, citing what they watched.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from subgraphs.common.events import Event

__all__ = ["CLUSTERS", "World", "train"]

CLUSTERS = {
    "scifi": ("science-fiction", "adventure"),
    "romance": ("romance", "drama"),
    "family": ("family", "animation"),
}


def _title_event(title_id: uuid.UUID, name: str, genres: tuple[str, ...], votes: int,
                 age: int | None, since: datetime | None = None) -> Event:
    return Event(type="title.upserted", payload={
        "title_id": str(title_id), "title": name, "kind": "movie", "release_year": 2001,
        "genres": list(genres), "popularity": votes / 10, "average_rating": 4.0,
        "vote_count": votes, "age_rating": age, "runtime_minutes": 100,
        "offers": [{"platform": "netflix", "region": "DE", "type": "subscription",
                    "available_from": since.isoformat() if since else None}],
    })


def viewing(user: uuid.UUID, title: uuid.UUID, at: datetime, rating: int | None = 5) -> Event:
    return Event(type="viewing.recorded", payload={
        "event_id": str(uuid.uuid4()), "user_id": str(user), "title_id": str(title),
        "progress": 1.0, "completed": True, "rating": rating, "occurred_at": at.isoformat(),
    })


@dataclass
class World:
    seed: int = 7
    titles: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    horror: list[uuid.UUID] = field(default_factory=list)

    def __post_init__(self) -> None:
        for cluster in CLUSTERS:
            self.titles[cluster] = [uuid.uuid4() for _ in range(10)]
            for n, t in enumerate(self.titles[cluster]):
                self.names[t] = f"{cluster.title()} {n}"
        self.horror = [uuid.uuid4(), uuid.uuid4()]
        for n, t in enumerate(self.horror):
            self.names[t] = f"Horror {n}"

    def cluster_of(self, title: uuid.UUID) -> str | None:
        return next((c for c, ids in self.titles.items() if title in ids), None)

    def catalog(self) -> list[Event]:
        events = []
        for cluster, genres in CLUSTERS.items():
            for n, t in enumerate(self.titles[cluster]):
                age = 0 if cluster == "family" else 12
                # Romance arrived on Netflix last week; the rest has been there for years.
                since = datetime.now(UTC) - timedelta(days=7) if cluster == "romance" else None
                events.append(_title_event(t, self.names[t], genres, 100 + 10 * n, age, since))
        for t in self.horror:
            events.append(_title_event(t, self.names[t], ("horror",), 5_000, 18))
        return events

    def crowd(self, viewers: int = 60) -> list[Event]:
        """Viewers who each watch 5-8 titles of one cluster, in the cluster's order."""
        rng = random.Random(self.seed)
        start = datetime.now(UTC) - timedelta(days=3)
        events = []
        for v in range(viewers):
            user = uuid.uuid4()
            cluster = list(CLUSTERS)[v % len(CLUSTERS)]
            first = rng.randrange(0, 3)
            for step, t in enumerate(self.titles[cluster][first:first + rng.randrange(5, 9)]):
                events.append(viewing(user, t, start + timedelta(hours=v, minutes=step)))
        return events

    def history(self, user: uuid.UUID, cluster: str, count: int) -> list[Event]:
        start = datetime.now(UTC) - timedelta(hours=2)
        return [viewing(user, t, start + timedelta(minutes=n))
                for n, t in enumerate(self.titles[cluster][:count])]


def train(database_url: str, model_dir: Path) -> str:
    """Run the real worker command; its last line names the model."""
    env = {**os.environ, "RECOMMENDATIONS_DATABASE_URL": database_url,
           "MG_RECOMMENDATIONS_MODEL_DIR": str(model_dir)}
    done = subprocess.run([sys.executable, "-m", "subgraphs.recommendations.train"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stderr.strip().splitlines()[-1]


def wait_for_model(http: object, previous: str | None = None, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = http.get("/model").json()["version"]  # type: ignore[attr-defined]
        if version and version != previous:
            return str(version)
        time.sleep(0.05)
    raise TimeoutError("the new model was not loaded")

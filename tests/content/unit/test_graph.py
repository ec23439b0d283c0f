"""Title graph: edges from catalog facts and audiences, two-hop traversal."""

from __future__ import annotations

import uuid

from subgraphs.content.graph.domain.edges import (
    EdgeKind,
    GraphTitle,
    combine,
    content_edges,
    cowatch_edges,
    franchise_stem,
    strongest,
    traverse,
)


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def test_franchise_stems() -> None:
    assert franchise_stem("Star Trek VI: The Undiscovered Country") == "star trek"
    assert franchise_stem("Godfather: Part II, The") == franchise_stem("Godfather, The")
    assert franchise_stem("Die Hard 2") == franchise_stem("Die Hard: With a Vengeance")
    assert franchise_stem("Rocky III") == "rocky"
    assert franchise_stem("Lone Star") != franchise_stem("Star Wars")


def test_content_edges_by_reason() -> None:
    titles = [
        GraphTitle(_id("alien"), "Alien", genres=("horror", "science-fiction"),
                   directors=("ridley",), cast=("sigourney",)),
        GraphTitle(_id("aliens"), "Aliens", genres=("action", "science-fiction"),
                   directors=("cameron",), cast=("sigourney",)),
        GraphTitle(_id("alien3"), "Alien 3", directors=("fincher",)),
        GraphTitle(_id("blade"), "Blade Runner", genres=("science-fiction", "film-noir"),
                   directors=("ridley",)),
        GraphTitle(_id("toy"), "Toy Story", similar=(_id("bugs"),)),
        GraphTitle(_id("bugs"), "A Bug's Life"),
    ]
    kinds = {(e.src, e.dst): set() for e in content_edges(titles)}
    for edge in content_edges(titles):
        kinds[(edge.src, edge.dst)].add(edge.kind)
    assert kinds[(_id("alien"), _id("aliens"))] == {EdgeKind.FRANCHISE, EdgeKind.CAST}
    assert kinds[(_id("alien3"), _id("alien"))] == {EdgeKind.FRANCHISE}
    assert kinds[(_id("alien"), _id("blade"))] == {EdgeKind.DIRECTOR}
    assert kinds[(_id("bugs"), _id("toy"))] == {EdgeKind.SIMILAR}
    assert (_id("toy"), _id("alien")) not in kinds


def test_cowatch_weight_is_audience_cosine() -> None:
    viewers = {_id("a"): 0b1111, _id("b"): 0b0111, _id("c"): 0b1000_0000}
    edges = cowatch_edges(viewers, [_id("a")], min_common=1)
    assert [(e.dst, e.weight) for e in edges] == [(_id("b"), round(0.8 * 3 / (4 * 3) ** 0.5, 6))]


def test_strongest_keeps_top_k_neighbours_with_all_their_reasons() -> None:
    a, b, c = _id("a"), _id("b"), _id("c")
    from subgraphs.content.graph.domain.edges import Edge

    # Cast, director and genres together (0.928) beat one franchise edge (0.9).
    edges = [Edge(a, b, EdgeKind.CAST, 0.6), Edge(a, b, EdgeKind.DIRECTOR, 0.7),
             Edge(a, b, EdgeKind.GENRES, 0.4), Edge(a, c, EdgeKind.FRANCHISE, 0.9)]
    kept = strongest(edges, top_k=1)
    assert {(e.dst, e.kind) for e in kept} == {
        (b, EdgeKind.CAST), (b, EdgeKind.DIRECTOR), (b, EdgeKind.GENRES)}


def test_traverse_two_hops_with_noisy_or() -> None:
    a, b, c, d = _id("a"), _id("b"), _id("c"), _id("d")
    adjacency = {a: {b: 0.9, c: 0.5}, b: {c: 0.5, d: 0.8, a: 0.9}, d: {_id("far"): 1.0}}
    scores = traverse(adjacency, [a])
    assert a not in scores
    assert scores[b] == 0.9
    assert scores[c] == 0.5, "the best path from one seed, not every path"
    assert scores[d] == round(0.9 * 0.8, 6)
    assert _id("far") not in scores, "three hops away"
    assert traverse(adjacency, [a], max_hops=1).keys() == {b, c}
    both = traverse({a: {c: 0.5}, b: {c: 0.6}}, [a, b])
    assert both == {c: round(combine([0.5, 0.6]), 6)}, "two references add up"

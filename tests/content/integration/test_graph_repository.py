"""The title graph stored in the content database: building, co-watching, look-ups."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.ids import stable_id
from subgraphs.content.adapters.orm import (
    CreditRow,
    GenreRow,
    PersonRow,
    TitleEdgeRow,
    TitleGenreRow,
    TitleRow,
    TitleViewerRow,
)
from subgraphs.content.catalog.domain.model import CreditRole, TitleKind
from subgraphs.content.graph.adapters.repository import TitleGraph, viewer_key

TITLES = ["Star Trek: First Contact", "Star Trek: Generations", "Star Trek IV: The Voyage Home",
          "Toy Story", "Heat", "Matrix, The"]


def tid(name: str) -> uuid.UUID:
    return stable_id("test-title", name)


@pytest.fixture
async def graph(database_url: str) -> AsyncIterator[TitleGraph]:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        await GenreRow.create(slug="action", name="Action")
        await GenreRow.create(slug="crime", name="Crime")
        for index, name in enumerate(TITLES):
            await TitleRow.create(id=tid(name), source_key=f"test:{index}", kind=TitleKind.MOVIE,
                                  title=name, popularity=float(index))
        director = await PersonRow.create(id=uuid.uuid4(), source_key="p:mann", name="Michael Mann")
        await CreditRow.create(title_id=tid("Heat"), person_id=director.id,
                               role=CreditRole.DIRECTOR)
        await CreditRow.create(title_id=tid("Matrix, The"), person_id=director.id,
                               role=CreditRole.DIRECTOR)
        for name in ("Heat", "Matrix, The"):
            for slug in ("action", "crime"):
                await TitleGenreRow.create(title_id=tid(name), genre_id=slug)
        yield TitleGraph()
    finally:
        await close_database()


async def test_franchise_and_director_edges(graph: TitleGraph) -> None:
    assert await graph.rebuild_content_edges() > 0
    near = await graph.neighbours([tid("Star Trek: Generations")])
    assert set(near) == {tid("Star Trek: First Contact"), tid("Star Trek IV: The Voyage Home")}
    assert near[tid("Star Trek: First Contact")] == pytest.approx(0.9)
    heat = await graph.neighbours([tid("Heat")])
    # Same director (0.7) and same genres (0.4) combine to 0.82.
    assert heat == {tid("Matrix, The"): pytest.approx(1 - 0.3 * 0.6)}
    rebuilt = await graph.rebuild_content_edges(only=[tid("Heat")])
    assert rebuilt == 4, "director and genres, from Heat and back from the title it links to"
    assert await TitleEdgeRow.all().count() == 6 + 4, "Star Trek's edges were left alone"


async def test_viewings_are_idempotent_and_make_cowatch_edges(graph: TitleGraph) -> None:
    users = [uuid.uuid4() for _ in range(3)]
    pairs = [(tid("Toy Story"), u) for u in users] + [(tid("Heat"), u) for u in users[:2]]
    pairs.append((uuid.uuid4(), users[0]))  # a title this catalog does not hold
    assert await graph.record_viewings(pairs) == {tid("Toy Story"), tid("Heat")}
    assert await graph.record_viewings(pairs) == set(), "a redelivered batch changes nothing"
    assert await TitleViewerRow.all().count() == 5
    assert await TitleViewerRow.filter(viewer_key=viewer_key(users[0])).count() == 2
    assert await graph.rebuild_cowatch() == 2
    near = await graph.neighbours([tid("Toy Story")], max_hops=1)
    assert near == {tid("Heat"): pytest.approx(0.8 * 2 / (3 * 2) ** 0.5, abs=1e-5)}


async def test_two_hops_reach_further_with_lower_scores(graph: TitleGraph) -> None:
    await graph.rebuild_content_edges()
    await graph.link_similar([(tid("Toy Story"), tid("Heat"))])
    two = await graph.neighbours([tid("Toy Story")])
    assert two[tid("Heat")] == pytest.approx(1.0)
    assert two[tid("Matrix, The")] == pytest.approx(1 - 0.3 * 0.6)
    assert tid("Matrix, The") not in await graph.neighbours([tid("Toy Story")], max_hops=1)

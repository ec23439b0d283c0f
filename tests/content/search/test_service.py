"""The search use case over a real LanceDB index, with fake catalog, provider and graph."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from subgraphs.common.errors import BadInput
from subgraphs.content.catalog.adapters.repository import TitleName
from subgraphs.content.catalog.domain.model import Genre, Platform, Title, TitleKind
from subgraphs.content.intent.domain.rules import RulesIntentParser
from subgraphs.content.intent.domain.vocabulary import Vocabulary
from subgraphs.content.search.adapters.engines.lancedb_index import LanceSearchIndex
from subgraphs.content.search.domain.model import SearchFilters
from subgraphs.content.search.services import SearchService
from tests.content.search.test_index_contract import CATALOG, DIMS, _id, _vec

NAMES = {t.id: t.title for t in CATALOG}


class FakeRepo:
    async def title_names(self) -> list[TitleName]:
        return [TitleName(id=t.id, title=t.title, year=t.year, popularity=t.popularity)
                for t in CATALOG]

    async def titles_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Title]:
        return {i: Title(id=i, kind=TitleKind.MOVIE, title=NAMES[i]) for i in ids if i in NAMES}

    async def all_genres(self) -> list[Genre]:
        return [Genre(slug=s, name=s) for s in ("comedy", "family", "horror", "thriller")]

    async def all_platforms(self) -> list[Platform]:
        return [Platform(slug="netflix", name="Netflix", deep_link_template="",
                         web_url_template="")]


class FakeProvider:
    """Embeds by keyword: a word picks the catalog vector it stands for."""

    name = "fake"
    dimensions = DIMS
    WORDS = {"pig": 3, "replicant": 1, "space": 2, "toys": 0}

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if self.fail:
            raise TimeoutError("provider timed out")
        out = []
        for text in texts:
            hot = [n for word, n in self.WORDS.items() if word in text.lower()] or [7]
            out.append(_vec(*hot))
        return out


class BrokenKeywordIndex(LanceSearchIndex):
    async def keyword(self, query: str, filters: SearchFilters, limit: int) -> list:
        raise RuntimeError("FTS index corrupt")


class Personal:
    async def scores(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        return {_id(3): 1.0}


async def _service(tmp_path: Path, index_class: type = LanceSearchIndex,
                   **kwargs: object) -> SearchService:
    index = index_class(tmp_path, "titles_fake_8", DIMS)
    await index.upsert(CATALOG)
    vocabulary = Vocabulary.of({"comedy": "Comedy", "family": "Family", "horror": "Horror"},
                               {"netflix": "Netflix"})
    options = {"provider": FakeProvider(), **kwargs}
    return SearchService(FakeRepo(), index=index, parser=RulesIntentParser(vocabulary),
                         **options)  # type: ignore[arg-type]


def _titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.title.title for hit in page.hits]


async def test_both_sides_and_the_parts_add_up(tmp_path: Path) -> None:
    service = await _service(tmp_path)
    page = await service.search("a pig", SearchFilters(), 0, 3)
    assert _titles(page)[0] == "Babe"
    hit = page.hits[0]
    assert hit.parts.vector == pytest.approx(0.5) and hit.parts.keyword == pytest.approx(0.5)
    assert hit.score == pytest.approx(hit.parts.total)
    assert page.missing_parts == ()


async def test_vector_failure_is_reported_and_keyword_answers(tmp_path: Path) -> None:
    service = await _service(tmp_path, provider=FakeProvider(fail=True))
    page = await service.search("toy story", SearchFilters(), 0, 5)
    assert page.missing_parts == ("vector",)
    assert _titles(page)[0] == "Toy Story"
    assert page.hits[0].parts.vector is None


async def test_keyword_failure_is_reported_and_vectors_answer(tmp_path: Path) -> None:
    service = await _service(tmp_path, index_class=BrokenKeywordIndex)
    page = await service.search("replicant", SearchFilters(), 0, 5)
    assert page.missing_parts == ("keyword",)
    assert _titles(page)[0] == "Blade Runner"


async def test_references_blend_graph_and_popularity(tmp_path: Path) -> None:
    async def graph(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        assert list(ids) == [_id(1)], "the reference resolved despite the typo"
        return {_id(4): 1.0, _id(2): 0.5}

    service = await _service(tmp_path, graph=graph)
    page = await service.search("like blade runer", SearchFilters(), 0, 5)
    assert "Blade Runner" not in _titles(page)
    heat = next(h for h in page.hits if h.title.title == "Heat")
    assert heat.parts.graph == pytest.approx(0.30)
    assert heat.parts.popularity == pytest.approx(0.15 * 0.5)
    assert any("related to Blade Runner" in reason for reason in heat.reasons)


async def test_graph_failure_is_reported(tmp_path: Path) -> None:
    async def graph(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        raise ConnectionError("graph store down")

    service = await _service(tmp_path, graph=graph)
    page = await service.search("like alien", SearchFilters(), 0, 5)
    assert page.missing_parts == ("graph",)
    assert page.hits


async def test_personal_scores_join_for_a_known_viewer_only(tmp_path: Path) -> None:
    service = await _service(tmp_path, personal=Personal())
    anonymous = await service.search("comedy", SearchFilters(), 0, 5)
    assert all(hit.parts.personal is None for hit in anonymous.hits)
    known = await service.search("comedy", SearchFilters(), 0, 5, viewer_id=uuid.uuid4())
    babe = next(h for h in known.hits if h.title.title == "Babe")
    assert babe.parts.personal == pytest.approx(0.15)


class FailingPersonal:
    async def scores(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        raise TimeoutError("recommendations did not answer")


class NoScores:
    async def scores(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, float]:
        return {}


async def test_personal_failure_is_reported_and_no_scores_is_not(tmp_path: Path) -> None:
    failing = await _service(tmp_path / "a", personal=FailingPersonal())
    page = await failing.search("comedy", SearchFilters(), 0, 5, viewer_id=uuid.uuid4())
    assert page.missing_parts == ("personal",) and page.hits
    assert all(hit.parts.personal is None for hit in page.hits)
    assert (await failing.search("comedy", SearchFilters(), 0, 5)).missing_parts == (), \
        "an anonymous search asks nobody"
    empty = await _service(tmp_path / "b", personal=NoScores())
    page = await empty.search("comedy", SearchFilters(), 0, 5, viewer_id=uuid.uuid4())
    assert page.missing_parts == () and page.hits


async def test_slots_only_browse_by_filters_and_facets_count_them(tmp_path: Path) -> None:
    service = await _service(tmp_path)
    page = await service.search("family comedy", SearchFilters(), 0, 10)
    assert set(_titles(page)) == {"Toy Story", "Babe"}
    assert page.facets.genres["comedy"] == 2 and page.facets.decades == {1990: 2}


async def test_query_length_is_limited(tmp_path: Path) -> None:
    service = await _service(tmp_path)
    with pytest.raises(BadInput):
        await service.search("x" * 501, SearchFilters(), 0, 10)
    page = await service.search("x" * 500, SearchFilters(), 0, 10)
    assert page.total >= 0

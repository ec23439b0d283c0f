"""Typo-tolerant title lookup."""

from __future__ import annotations

import uuid

import pytest

from subgraphs.content.search.domain.title_lookup import TitleLookup

TITLES = ["Toy Story", "Toy Story 2", "The Shawshank Redemption", "Blade Runner", "Star Wars",
          "The Evening Star", "Ed", "M", "Jurassic Park", "Heat"]


@pytest.fixture(scope="module")
def lookup() -> TitleLookup:
    return TitleLookup((uuid.UUID(int=i + 1), t, 1990 + i, 1.0 - i / 100)
                       for i, t in enumerate(TITLES))


@pytest.mark.parametrize(("query", "expected"), [
    ("toy stroy", "Toy Story"),
    ("shawshank", "The Shawshank Redemption"),
    ("blade runer", "Blade Runner"),
    ("Jurasic Park", "Jurassic Park"),
    ("STAR WARS", "Star Wars"),
])
def test_typos_and_fragments_find_the_title(
    lookup: TitleLookup, query: str, expected: str
) -> None:
    assert lookup.match(query)[0].title == expected


def test_short_titles_do_not_match_inside_longer_words(lookup: TitleLookup) -> None:
    assert lookup.match("comedy") == []
    assert lookup.match("the") == []


def test_descriptions_are_not_title_lookups(lookup: TitleLookup) -> None:
    assert lookup.match("dark gritty sci-fi movies from the nineties set in space") == []


def test_best_applies_a_cutoff(lookup: TitleLookup) -> None:
    assert lookup.best("toy story") is not None
    assert lookup.best("qqqqzzzz") is None

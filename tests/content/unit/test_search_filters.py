"""Search filters: availability tokens, the LanceDB predicate, and merging the parsed intent."""

from __future__ import annotations

import uuid

from subgraphs.content.catalog.domain.titles import display_title, normal_title, sort_title
from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.search.adapters.engines.filters import lance_where
from subgraphs.content.search.domain.model import SearchFilters, availability_tokens
from subgraphs.content.search.domain.query import merge_intent


def test_an_offer_is_found_by_any_combination_of_its_region_platform_and_type() -> None:
    tokens = set(availability_tokens("DE", "netflix", "subscription"))
    assert len(tokens) == 8
    for wanted in (SearchFilters(regions=("DE",)), SearchFilters(platforms=("netflix",)),
                   SearchFilters(offer_types=("subscription",)),
                   SearchFilters(regions=("DE",), platforms=("netflix", "hulu"))):
        assert tokens & set(wanted.availability_any())
    for unwanted in (SearchFilters(regions=("US",)),
                     SearchFilters(regions=("DE",), offer_types=("free",))):
        assert not tokens & set(unwanted.availability_any())
    assert SearchFilters().availability_any() == ()


def test_lance_predicate_quotes_values() -> None:
    assert lance_where(SearchFilters()) is None
    where = lance_where(SearchFilters(genres=("it's",), year_from=1990, min_rating=3.5,
                                      exclude_ids=(uuid.UUID(int=1),)))
    assert where is not None
    assert "array_has_any(genres, ['it''s'])" in where
    assert "year >= 1990" in where and "rating >= 3.5" in where
    assert "id NOT IN ('00000000-0000-0000-0000-000000000001')" in where


def test_parsed_slots_fill_what_the_caller_left_open() -> None:
    intent = Intent(text="", genres=("comedy",), year_from=1990, year_to=1999,
                    platforms=("netflix",), regions=("DE",), excluded_genres=("horror",))
    merged = merge_intent(SearchFilters(genres=("drama",), blocked_genres=("war",)), intent)
    assert merged.genres == ("drama",), "the caller's filter asks for any of its genres"
    assert merged.all_genres == ("comedy",), "the query's genres are all required"
    assert merged.blocked_genres == ("war", "horror")
    assert (merged.year_from, merged.year_to) == (1990, 1999)
    assert merged.platforms == ("netflix",) and merged.regions == ("DE",)


def test_movielens_articles_move_to_the_front() -> None:
    assert display_title("Usual Suspects, The") == "The Usual Suspects"
    assert display_title("Toy Story") == "Toy Story"
    assert display_title("Quatre cents coups, Les") == "Les Quatre cents coups"
    assert display_title("Avventura, L'") == "L'Avventura"
    assert display_title("I, Robot") == "I, Robot"


def test_sort_titles_drop_the_article_only_where_it_is_one() -> None:
    assert sort_title("American President, The") == "American President"
    assert sort_title("A Bug's Life") == "Bug's Life"
    assert sort_title("Boot, Das") == "Boot"
    # In front, only English articles: these are names.
    assert sort_title("Die Hard") == "Die Hard"
    assert sort_title("O Brother, Where Art Thou?") == "O Brother, Where Art Thou?"


def test_matched_titles_lose_articles_years_and_punctuation() -> None:
    assert normal_title("Matrix, The (1999)") == normal_title("the matrix") == "matrix"
    assert normal_title("Star Trek: Generations") == "star trek generations"
    assert normal_title("Amélie") == "amelie"

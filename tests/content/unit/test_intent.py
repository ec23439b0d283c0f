"""The rule parser: slots out of free text, and what is left for search."""

from __future__ import annotations

import pytest

from mediagateway.demo.content import PLATFORMS
from mediagateway.movielens import GENRES
from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.intent.domain.rules import RulesIntentParser, parse_intent
from subgraphs.content.intent.domain.vocabulary import Vocabulary

VOCABULARY = Vocabulary.of(
    {slug: label for label, slug in GENRES.items()},
    {slug: spec[0] for slug, spec in PLATFORMS.items()},
    titles=["Pride and Prejudice"],
)


def parse(query: str) -> Intent:
    return parse_intent(query, VOCABULARY)


def test_the_issue_example_leaves_no_text() -> None:
    intent = parse("dark 90s sci-fi like Blade Runner on Netflix in Germany under 2 hours")
    assert intent == Intent(
        genres=("science-fiction",), moods=("dark",), year_from=1990, year_to=1999,
        runtime_max=120, platforms=("netflix",), regions=("DE",), references=("Blade Runner",),
    )


@pytest.mark.parametrize(
    ("query", "year_from", "year_to"),
    [
        ("horror after 2010", 2011, None),
        ("comedies since 2010", 2010, None),
        ("thrillers from 1995", 1995, 1995),
        ("westerns before 1970", None, 1969),
        ("late 80s action", 1985, 1989),
        ("nineties dramas", 1990, 1999),
        ("films between 1990 and 2000", 1990, 2000),
        ("2000s sci-fi", 2000, 2009),
    ],
)
def test_years_and_decades(query: str, year_from: int | None, year_to: int | None) -> None:
    intent = parse(query)
    assert (intent.year_from, intent.year_to) == (year_from, year_to)


@pytest.mark.parametrize(
    ("query", "runtime_min", "runtime_max"),
    [
        ("comedy under 2 hours", None, 120),
        ("less than 90 minutes", None, 90),
        ("an hour and a half max", None, 90),
        ("over 2.5 hours", 150, None),
        ("under an hour and a half", None, 90),
    ],
)
def test_runtime(query: str, runtime_min: int | None, runtime_max: int | None) -> None:
    intent = parse(query)
    assert (intent.runtime_min, intent.runtime_max) == (runtime_min, runtime_max)


def test_ambiguous_platform_names_need_on() -> None:
    assert parse("max 2 hours action on max").platforms == ("max",)
    assert parse("prime suspect").platforms == ()
    assert parse("disney+ cartoons").platforms == ("disney_plus",)


def test_regions_from_names_adjectives_and_codes() -> None:
    assert parse("sci-fi in Germany").regions == ("DE",)
    assert parse("german netflix").regions == ("DE",)
    assert parse("netflix uk comedies").regions == ("GB",)
    assert parse("what is streaming in US").regions == ("US",)
    assert parse("movies to watch in it").regions == ()


def test_genre_words_inside_a_reference_title_are_not_genres() -> None:
    intent = parse("like War of the Worlds but scarier")
    assert intent.references == ("War of the Worlds",)
    assert intent.genres == ("horror",)


def test_references_split_unless_the_title_is_known() -> None:
    assert parse("similar to Alien and Aliens").references == ("Alien", "Aliens")
    assert parse("movies like Pride and Prejudice").references == ("Pride and Prejudice",)
    assert parse("I'd like a comedy").references == ()


def test_people_and_offers() -> None:
    intent = parse("westerns directed by Sergio Leone to rent")
    assert intent.people == ("Sergio Leone",)
    assert intent.offer_types == ("rent",)
    assert parse("free with ads").offer_types == ("ads",)


def test_a_bare_title_stays_text() -> None:
    assert parse("the godfather") == Intent(text="the godfather")
    assert parse("show me a few good men").text == "a few good men"


def test_round_trip_through_a_dict() -> None:
    intent = parse("dark 90s sci-fi like Blade Runner on Netflix in Germany under 2 hours")
    assert Intent.from_dict(intent.as_dict()) == intent


async def test_rules_parser_is_an_intent_parser() -> None:
    assert (await RulesIntentParser(VOCABULARY).parse("horror")).genres == ("horror",)

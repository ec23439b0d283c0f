"""The catalog words a query is matched against, compiled once per catalog vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from subgraphs.content.intent.domain.patterns import END, START, alternation
from subgraphs.content.intent.domain.words import (
    CODE_ALIASES,
    COUNTRIES,
    GENRE_COMBOS,
    GENRE_SYNONYMS,
    MOODS,
    PLATFORM_SYNONYMS,
)

__all__ = ["Vocabulary"]


@dataclass(frozen=True)
class Vocabulary:
    """The catalog words a query is matched against: genre and platform slugs with names.

    `titles` (lower case) optionally lists known titles, so "like Pride and Prejudice" stays one
    reference while "like Alien and Aliens" becomes two.
    """

    genres: Mapping[str, str]
    platforms: Mapping[str, str]
    titles: frozenset[str] = frozenset()
    _patterns: dict[str, re.Pattern[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    _lookup: dict[str, dict[str, tuple[str, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def of(cls, genres: Mapping[str, str], platforms: Mapping[str, str],
           titles: Iterable[str] = ()) -> Vocabulary:
        """From slug -> display name maps (the catalog's genre and platform tables)."""
        return cls(dict(genres), dict(platforms), frozenset(t.lower() for t in titles))

    def __post_init__(self) -> None:
        genre_words: dict[str, tuple[str, ...]] = {}
        for slug, name in self.genres.items():
            for phrase in (slug, slug.replace("-", " "), name.lower(),
                           *GENRE_SYNONYMS.get(slug, ())):
                genre_words[phrase.lower()] = (slug,)
        for phrase, slugs in GENRE_COMBOS.items():
            if all(slug in self.genres for slug in slugs):
                genre_words[phrase] = slugs
        mood_words: dict[str, tuple[str, ...]] = {}
        for mood, (phrases, _) in MOODS.items():
            for phrase in phrases:
                mood_words.setdefault(phrase, (mood,))
        platform_words: dict[str, tuple[str, ...]] = {}
        for slug, name in self.platforms.items():
            base = name.lower()
            for phrase in (slug.replace("_", " "), base, base.replace("+", " plus"),
                           base.rstrip("+").strip(), *PLATFORM_SYNONYMS.get(slug, ())):
                platform_words.setdefault(phrase, (slug,))
        country_words = {phrase: (code,) for code, names in COUNTRIES.items() for phrase in names}
        for word in ("us", "uk", "usa"):
            country_words[word] = (CODE_ALIASES[word],)
        self._lookup.update(genre=genre_words, mood=mood_words, platform=platform_words,
                            country=country_words)

        countries = alternation(country_words)
        codes = alternation(CODE_ALIASES)
        platforms = alternation(platform_words)
        self._patterns.update(
            # "on Netflix", "German Netflix", "Netflix UK", "on max"; bare unambiguous names.
            platform=re.compile(
                rf"{START}(?:(?:streaming |available |watch(?:able)? )?(?P<prep>on|via|at|through"
                rf"|using|with(?: my)?|from)\s+(?:the\s+)?)?"
                rf"(?:(?P<pre>{countries}|{codes})\s+)?(?P<name>{platforms})"
                rf"(?:\s+(?P<post>{countries}|{codes})(?![\w]))?{END}",
                re.IGNORECASE,
            ),
            region=re.compile(
                rf"{START}(?:(?:available |streaming |watch(?:able)? )?"
                rf"(?:in|for|from)\s+(?:the\s+)?"
                rf"(?P<name>{countries})|(?:in|for)\s+(?P<code>[A-Z]{{2}})|region\s+(?P<any>\w\w))"
                rf"{END}",
                re.IGNORECASE,
            ),
            genre=re.compile(rf"{START}(?:{alternation(genre_words)}){END}", re.IGNORECASE),
            excluded=re.compile(
                rf"{START}(?:no|not|non|without|except|excluding|anything but|but not|nothing"
                rf"|avoid|skip)[\s-]+(?:too\s+)?(?P<g>{alternation(genre_words)}"
                rf"|{alternation(mood_words)}){END}",
                re.IGNORECASE,
            ),
            mood=re.compile(rf"{START}(?:{alternation(mood_words)}){END}", re.IGNORECASE),
            # A reference title ends at punctuation, "but", or where a strong slot begins.
            reference_end=re.compile(
                rf"\s*(?:[,;!?()]|\.(?:\s|$)|\s(?:but|that|which|who|where|what|set in|about"
                rf"|starring|featuring|directed by|with|without|except|not|no|from|in|on|for"
                rf"|under|over|before|after|since|between|less than|more than|shorter than"
                rf"|longer than|at least|at most|to rent|to buy|streaming|available)\b)"
                rf"|\s(?:{platforms}){END}",
                re.IGNORECASE,
            ),
        )

    def pattern(self, name: str) -> re.Pattern[str]:
        return self._patterns[name]

    def lookup(self, table: str, phrase: str) -> tuple[str, ...]:
        """The slugs/codes a matched phrase stands for; dashes and spaces count alike."""
        words = self._lookup[table]
        key = re.sub(r"[\s-]+", " ", phrase.lower().strip())
        return words.get(key) or words.get(phrase.lower().strip()) or next(
            (value for word, value in words.items()
             if re.sub(r"[\s-]+", " ", word) == key), ())


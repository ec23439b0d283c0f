"""What a search query asks for: slots parsed out of free text by rules, in well under 5 ms.

"dark 90s sci-fi like Blade Runner on Netflix in Germany under 2 hours" becomes moods=("dark",),
genres=("science-fiction",), years 1990-1999, references=("Blade Runner",), platforms=
("netflix",), regions=("DE",), runtime_max=120 and no free text left. Strong slots (platforms,
regions, years, runtime, people, offer phrases) are found first, so a reference title ends where
one starts ("like Die Hard on Netflix"); genre and mood words are looked for only outside
reference titles, so "like War of the Worlds" does not ask for war films.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

__all__ = [
    "COUNTRIES",
    "MOODS",
    "Intent",
    "IntentParser",
    "RulesIntentParser",
    "Vocabulary",
    "parse_intent",
]

_TUPLE_SLOTS = ("genres", "excluded_genres", "moods", "kinds", "platforms", "regions", "people",
                "offer_types", "references")


@dataclass(frozen=True)
class Intent:
    """Slots of a query; empty slots ask for nothing. `text` is what is left for search."""

    text: str = ""
    genres: tuple[str, ...] = ()
    excluded_genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    platforms: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    offer_types: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Which parser produced it ("rules" or "llm"), reported with the results.
    parser: str = "rules"

    def as_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], parser: str | None = None) -> Intent:
        """Build from JSON-shaped data (an LLM answer, a cache entry); unknown keys are ignored."""
        values: dict[str, Any] = {}
        for key in ("year_from", "year_to", "runtime_min", "runtime_max"):
            value = data.get(key)
            values[key] = int(value) if isinstance(value, int | float) else None
        for key in _TUPLE_SLOTS:
            raw = data.get(key) or ()
            values[key] = tuple(dict.fromkeys(str(item).strip() for item in raw if item))
        text = data.get("text")
        values["text"] = str(text).strip() if text else ""
        values["parser"] = parser or str(data.get("parser") or "rules")
        return cls(**values)

    @property
    def has_slots(self) -> bool:
        return any(getattr(self, key) for key in _TUPLE_SLOTS) or any(
            getattr(self, key) is not None
            for key in ("year_from", "year_to", "runtime_min", "runtime_max")
        )


class IntentParser(Protocol):
    async def parse(self, query: str) -> Intent: ...


# --- the words we know ------------------------------------------------------------------------

# Genre slug -> extra phrases meaning it (the slug and display name are added automatically).
_GENRE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "action": ("actions", "action movie", "action film"),
    "adventure": ("adventures",),
    "animation": ("animated", "animations", "cartoon", "cartoons", "anime"),
    "comedy": ("comedies", "comedic", "sitcom", "sitcoms", "standup", "stand-up"),
    "crime": ("gangster", "gangsters", "mafia", "mob", "heist", "heists"),
    "documentary": ("documentaries", "doc", "docs", "docuseries", "true story"),
    "drama": ("dramas", "dramatic"),
    "family": ("kids", "kid", "children", "children's", "childrens", "family-friendly",
               "family friendly", "for kids", "for children", "for the family"),
    "fantasy": ("fantasies", "fairy tale", "fairy tales", "magic"),
    "film-noir": ("noir", "film noir", "neo-noir", "neo noir"),
    "horror": ("horrors", "slasher", "slashers", "zombie", "zombies"),
    "musical": ("musicals",),
    "mystery": ("mysteries", "whodunit", "whodunnit", "detective"),
    "romance": ("romances", "romantic", "love story", "love stories"),
    "science-fiction": ("sci-fi", "scifi", "sci fi", "science fiction", "sf", "space opera"),
    "thriller": ("thrillers", "suspense"),
    "war": ("wwii", "ww2", "world war"),
    "western": ("westerns", "cowboy", "cowboys"),
}
# Phrases naming more than one genre.
_GENRE_COMBOS: dict[str, tuple[str, ...]] = {
    "rom-com": ("romance", "comedy"), "romcom": ("romance", "comedy"),
    "rom com": ("romance", "comedy"), "romantic comedy": ("romance", "comedy"),
    "romantic comedies": ("romance", "comedy"), "rom-coms": ("romance", "comedy"),
    "romcoms": ("romance", "comedy"), "dramedy": ("comedy", "drama"),
    "action comedy": ("action", "comedy"), "horror comedy": ("horror", "comedy"),
    "space western": ("science-fiction", "western"),
}

# Mood -> (phrases, genres it implies). Moods with no clear genre only shape the vector query.
MOODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "dark": (("dark", "darker", "gritty", "bleak", "grim", "noirish", "disturbing"), ()),
    "funny": (("funny", "funnier", "hilarious", "lighthearted", "light-hearted", "silly",
               "laugh", "laughs", "goofy"), ("comedy",)),
    "scary": (("scary", "scarier", "creepy", "terrifying", "spooky", "frightening", "chilling"),
              ("horror",)),
    "feel-good": (("feel-good", "feel good", "feelgood", "uplifting", "heartwarming",
                   "heart-warming", "wholesome", "cheerful", "happy"), ()),
    "sad": (("sad", "tearjerker", "tear-jerker", "emotional", "moving", "heartbreaking",
             "melancholic", "depressing"), ("drama",)),
    "tense": (("tense", "suspenseful", "gripping", "edge of my seat", "edge-of-your-seat",
               "nail-biting", "thrilling"), ("thriller",)),
    "exciting": (("action-packed", "action packed", "explosive", "adrenaline", "exciting",
                  "fast-paced", "fast paced"), ("action",)),
    "mind-bending": (("mind-bending", "mind bending", "mindbending", "thought-provoking",
                      "thought provoking", "cerebral", "trippy", "twisty", "philosophical"), ()),
    "epic": (("epic", "sweeping", "grand"), ("adventure",)),
    "cozy": (("cozy", "cosy", "relaxing", "chill", "comforting", "calm"), ()),
    "violent": (("violent", "brutal", "bloody", "gory"), ()),
    "quirky": (("quirky", "weird", "offbeat", "bizarre", "surreal", "absurd"), ()),
    "inspiring": (("inspiring", "inspirational", "motivational"), ("drama",)),
    "romantic": (("swoony", "sweet"), ("romance",)),
    "mysterious": (("mysterious", "puzzling", "enigmatic"), ("mystery",)),
}

# ISO 3166-1 alpha-2 -> names and adjectives people use for it.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": ("united states", "united states of america", "usa", "u.s.", "u.s.a.", "america",
           "the states", "american"),
    "GB": ("united kingdom", "uk", "u.k.", "britain", "great britain", "england", "scotland",
           "wales", "british", "english"),
    "DE": ("germany", "german", "deutschland"),
    "FR": ("france", "french"),
    "JP": ("japan", "japanese"),
    "ES": ("spain", "spanish"),
    "IT": ("italy", "italian"),
    "NL": ("netherlands", "the netherlands", "holland", "dutch"),
    "BE": ("belgium", "belgian"),
    "AT": ("austria", "austrian"),
    "CH": ("switzerland", "swiss"),
    "IE": ("ireland", "irish"),
    "PT": ("portugal", "portuguese"),
    "SE": ("sweden", "swedish"),
    "NO": ("norway", "norwegian"),
    "DK": ("denmark", "danish"),
    "FI": ("finland", "finnish"),
    "PL": ("poland", "polish"),
    "CZ": ("czechia", "czech republic", "czech"),
    "GR": ("greece", "greek"),
    "TR": ("turkey", "turkish"),
    "CA": ("canada", "canadian"),
    "MX": ("mexico", "mexican"),
    "BR": ("brazil", "brazilian"),
    "AR": ("argentina", "argentinian", "argentine"),
    "CL": ("chile", "chilean"),
    "CO": ("colombia", "colombian"),
    "AU": ("australia", "australian", "aussie"),
    "NZ": ("new zealand",),
    "IN": ("india", "indian"),
    "KR": ("south korea", "korea", "korean", "south korean"),
    "CN": ("china", "chinese"),
    "TW": ("taiwan", "taiwanese"),
    "HK": ("hong kong",),
    "SG": ("singapore",),
    "ID": ("indonesia", "indonesian"),
    "PH": ("philippines", "the philippines", "filipino"),
    "TH": ("thailand", "thai"),
    "ZA": ("south africa", "south african"),
    "NG": ("nigeria", "nigerian"),
    "EG": ("egypt", "egyptian"),
    "IL": ("israel", "israeli"),
    "AE": ("united arab emirates", "uae", "emirati"),
    "SA": ("saudi arabia", "saudi"),
    "RU": ("russia", "russian"),
    "UA": ("ukraine", "ukrainian"),
    "HU": ("hungary", "hungarian"),
    "RO": ("romania", "romanian"),
}
# Lower-case codes that are also English words or too short to trust outside a platform name.
_CODE_ALIASES = {"uk": "GB", "usa": "US", "us": "US", "de": "DE", "fr": "FR", "jp": "JP",
                 "gb": "GB", "ca": "CA", "au": "AU", "es": "ES", "it": "IT", "nl": "NL",
                 "br": "BR", "mx": "MX", "kr": "KR"}

# Platform slug -> extra names for it; the ones in _AMBIGUOUS need "on"/"via" before them.
_PLATFORM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "netflix": ("netflix",),
    "prime_video": ("amazon prime video", "amazon prime", "amazon video", "prime video",
                    "amazon", "prime"),
    "disney_plus": ("disney plus", "disney+", "disneyplus", "disney"),
    "hulu": ("hulu",),
    "apple_tv_plus": ("apple tv+", "apple tv plus", "apple tv", "appletv", "apple"),
    "max": ("hbo max", "hbomax", "hbo", "max"),
    "peacock": ("peacock",),
    "paramount_plus": ("paramount+", "paramount plus", "paramount"),
    "youtube": ("youtube", "you tube", "yt"),
    "bbc_iplayer": ("bbc iplayer", "iplayer", "bbc"),
}
_AMBIGUOUS_PLATFORMS = {"max", "apple", "prime", "disney", "amazon", "paramount", "yt", "bbc",
                        "hbo"}

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "half an": 0.5,
                 "half a": 0.5}
_DECADE_WORDS = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950,
                 "sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990,
                 "noughties": 2000, "two thousands": 2000, "aughts": 2000, "twenty tens": 2010}

_KINDS = {
    "series": ("tv series", "tv shows", "tv show", "series", "shows", "miniseries",
               "mini-series", "sitcom", "sitcoms", "docuseries", "tv"),
    "movie": ("movies", "movie", "films", "film", "flicks", "flick", "feature films"),
}

# Words left at the edge of a text fragment once slots are cut out; they carry no meaning alone.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EDGE_WORDS = _words(
    "a an the and or but on in at from with without to for of by that which who are is be "
    "some any me my i we you something anything stuff please available streaming stream "
    "watch to watch find show give recommend suggest looking want need like around about "
    "released made set only just also kind sort type good"
)
_ARTICLES = _words("a an the")
# Request phrases that never belong to the searched text.
_FILLER = re.compile(
    r"\b(?:(?:can you |could you )?(?:please )?(?:show|find|give|get|recommend|suggest)(?: me)?"
    r"|i(?:'m| am) (?:looking for|in the mood for)|looking for|in the mood for"
    r"|i(?: want| wanna| would like|'d like| need) (?:to (?:watch|see) )?"
    r"|what(?:'s| is| are) (?:some )?"
    r"|where (?:can i|to) (?:watch|stream)|what (?:can|should) (?:i|we) (?:watch|see)"
    r"|(?:something|anything) (?:to watch)?"
    r"|to watch|to stream|tonight|please)\b",
    re.IGNORECASE,
)

_LEADING_FILLER = re.compile(rf"^(?:\s*(?:{_FILLER.pattern}))+\s*", re.IGNORECASE)


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first so "sci-fi" wins over "sci"."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in unique)


_QUOTES = " \"'\u201c\u201d\u2018\u2019"
# Our own word boundaries: `\b` fails next to "+" and "'".
_B = r"(?<![\w+'])"
_E = r"(?![\w+])"


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
                           *_GENRE_SYNONYMS.get(slug, ())):
                genre_words[phrase.lower()] = (slug,)
        for phrase, slugs in _GENRE_COMBOS.items():
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
                           base.rstrip("+").strip(), *_PLATFORM_SYNONYMS.get(slug, ())):
                platform_words.setdefault(phrase, (slug,))
        country_words = {phrase: (code,) for code, names in COUNTRIES.items() for phrase in names}
        for word in ("us", "uk", "usa"):
            country_words[word] = (_CODE_ALIASES[word],)
        self._lookup.update(genre=genre_words, mood=mood_words, platform=platform_words,
                            country=country_words)

        countries = _alternation(country_words)
        codes = _alternation(_CODE_ALIASES)
        platforms = _alternation(platform_words)
        self._patterns.update(
            # "on Netflix", "German Netflix", "Netflix UK", "on max"; bare unambiguous names.
            platform=re.compile(
                rf"{_B}(?:(?:streaming |available |watch(?:able)? )?(?P<prep>on|via|at|through"
                rf"|using|with(?: my)?|from)\s+(?:the\s+)?)?"
                rf"(?:(?P<pre>{countries}|{codes})\s+)?(?P<name>{platforms})"
                rf"(?:\s+(?P<post>{countries}|{codes})(?![\w]))?{_E}",
                re.IGNORECASE,
            ),
            region=re.compile(
                rf"{_B}(?:(?:available |streaming |watch(?:able)? )?(?:in|for|from)\s+(?:the\s+)?"
                rf"(?P<name>{countries})|(?:in|for)\s+(?P<code>[A-Z]{{2}})|region\s+(?P<any>\w\w))"
                rf"{_E}",
                re.IGNORECASE,
            ),
            genre=re.compile(rf"{_B}(?:{_alternation(genre_words)}){_E}", re.IGNORECASE),
            excluded=re.compile(
                rf"{_B}(?:no|not|non|without|except|excluding|anything but|but not|nothing"
                rf"|avoid|skip)[\s-]+(?:too\s+)?(?P<g>{_alternation(genre_words)}"
                rf"|{_alternation(mood_words)}){_E}",
                re.IGNORECASE,
            ),
            mood=re.compile(rf"{_B}(?:{_alternation(mood_words)}){_E}", re.IGNORECASE),
            # A reference title ends at punctuation, "but", or where a strong slot begins.
            reference_end=re.compile(
                rf"\s*(?:[,;!?()]|\.(?:\s|$)|\s(?:but|that|which|who|where|what|set in|about"
                rf"|starring|featuring|directed by|with|without|except|not|no|from|in|on|for"
                rf"|under|over|before|after|since|between|less than|more than|shorter than"
                rf"|longer than|at least|at most|to rent|to buy|streaming|available)\b)"
                rf"|\s(?:{platforms}){_E}",
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


# --- numbers ----------------------------------------------------------------------------------

_DURATION = (
    r"(?:(?P<{p}hours>\d+(?:\.\d+)?|an?|one|two|three|four|half an?)\s*(?:hours?|hrs?|h)"
    r"(?:\s*(?:and\s*)?(?:(?P<{p}half>a half)|(?P<{p}extra>\d+)\s*(?:minutes?|mins?|m)))?"
    r"|(?P<{p}minutes>\d+)\s*(?:minutes?|mins?|min|m))(?![\w])"
)
_RUNTIME_MAX = re.compile(
    r"(?<![\w])(?:under|less than|shorter than|below|max(?:imum)?|at most|no (?:more|longer) "
    r"than|not (?:more|longer) than|within|up to|tops|<\s*)\s*" + _DURATION.format(p=""),
    re.IGNORECASE,
)
_RUNTIME_MAX_AFTER = re.compile(
    r"(?<![\w])" + _DURATION.format(p="") + r"\s*(?:max(?:imum)?|tops|or (?:less|shorter)|at most)"
    r"(?![\w])",
    re.IGNORECASE,
)
_RUNTIME_MIN = re.compile(
    r"(?<![\w])(?:over|more than|longer than|above|at least|min(?:imum)?|no (?:less|shorter) "
    r"than|>\s*)\s*" + _DURATION.format(p=""),
    re.IGNORECASE,
)
_RUNTIME_RANGE = re.compile(
    r"(?<![\w])(?:between\s+)?(?P<lo>\d+(?:\.\d+)?)\s*(?:and|to|-)\s*" + _DURATION.format(p=""),
    re.IGNORECASE,
)
_RUNTIME_ABOUT = re.compile(
    r"(?<![\w])(?:(?:about|around|roughly|approximately|~)\s*)" + _DURATION.format(p=""),
    re.IGNORECASE,
)

_YEAR = r"(?:18[89]\d|19\d\d|20[0-4]\d)"
_DECADE = (
    r"(?:(?P<{p}part>early|mid|late)[\s-]+)?(?:the\s+)?"
    r"(?:(?P<{p}cent>18|19|20)?(?P<{p}dec>\d)0'?s|'(?P<{p}dec2>\d)0s|(?P<{p}word>"
    + "|".join(_DECADE_WORDS) + r"))(?![\w])"
)
_YEAR_BETWEEN = re.compile(
    rf"(?<![\w])(?:(?:between|from)\s+)?(?P<a>{_YEAR})\s*(?:and|to|through|until|till|-|\u2013)\s*"
    rf"(?P<b>{_YEAR}|\d\d)(?![\w])",
    re.IGNORECASE,
)
_YEAR_AFTER = re.compile(
    rf"(?<![\w])(?P<op>after|since|post|newer than|later than|from|starting|>=?)[\s-]*"
    rf"(?:(?P<year>{_YEAR})|{_DECADE.format(p='d_')})"
    rf"(?P<on>\s+(?:onwards?|on(?=\s*(?:$|[,.;!?]))|and (?:later|after|newer|up)"
    rf"|or (?:later|newer|after)))?"
    rf"(?![\w])",
    re.IGNORECASE,
)
_YEAR_BEFORE = re.compile(
    rf"(?<![\w])(?P<op>before|pre|older than|earlier than|until|till|up to|through|prior to"
    rf"|<=?)[\s-]*(?:(?P<year>{_YEAR})|{_DECADE.format(p='d_')})(?![\w])",
    re.IGNORECASE,
)
_YEAR_EXACT = re.compile(
    rf"(?<![\w])(?:(?:released\s+)?(?:in|of|year)\s+(?P<year>{_YEAR})"
    rf"|(?P<year2>{_YEAR})(?=\s+(?:movies?|films?|releases?|shows?|series)))(?![\w])",
    re.IGNORECASE,
)
_DECADE_RE = re.compile(rf"(?<![\w])(?:(?:from|in|of)\s+)?{_DECADE.format(p='')}", re.IGNORECASE)


def _duration(match: re.Match[str]) -> int | None:
    if match.group("minutes"):
        return int(match.group("minutes"))
    raw = match.group("hours").lower()
    hours = float(_NUMBER_WORDS.get(raw, 0) or raw) if raw not in _NUMBER_WORDS else (
        _NUMBER_WORDS[raw])
    minutes = hours * 60
    if match.group("half"):
        minutes += 30
    if match.group("extra"):
        minutes += int(match.group("extra"))
    return round(minutes)


def _decade(match: re.Match[str], p: str = "") -> tuple[int, int] | None:
    word = match.group(f"{p}word")
    if word:
        start = _DECADE_WORDS[word.lower()]
    else:
        digit = match.group(f"{p}dec") or match.group(f"{p}dec2")
        if digit is None:
            return None
        century = match.group(f"{p}cent") if match.group(f"{p}dec") else None
        if century:
            start = int(century) * 100 + int(digit) * 10
        else:
            # "20s" and "10s" are this century's; "30s" to "90s" the last one's.
            start = (2000 if int(digit) <= 2 else 1900) + int(digit) * 10
    part = (match.group(f"{p}part") or "").lower()
    if part == "early":
        return start, start + 4
    if part == "mid":
        return start + 3, start + 7
    if part == "late":
        return start + 5, start + 9
    return start, start + 9


# --- the parser -------------------------------------------------------------------------------


class _Text:
    """The query with consumed spans blanked, so later rules never match them twice."""

    GAP = "\x1f"

    def __init__(self, query: str) -> None:
        self.value = query
        # Words a rule consumed but search should still see ("gory" in "not gory").
        self.kept: list[str] = []

    def take(self, start: int, end: int) -> None:
        self.value = self.value[:start] + self.GAP * (end - start) + self.value[end:]

    def finditer(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return list(pattern.finditer(self.value))

    def left(self) -> str:
        fragments = []
        for index, fragment in enumerate(self.value.split(self.GAP)):
            words = _FILLER.sub(" ", fragment).split()
            # A leading article stays at the very start ("the godfather" is a title); after a
            # consumed slot ("for a rainy day") it is noise.
            untouched = index == 0 and fragment.strip() == fragment.strip(self.GAP).strip() and (
                not fragment[:1].isspace())
            edge = _EDGE_WORDS - _ARTICLES if untouched else _EDGE_WORDS
            while words and words[0].lower().strip(".,;:!?'\"") in edge:
                words.pop(0)
            while words and words[-1].lower().strip(".,;:!?'\"") in _EDGE_WORDS:
                words.pop()
            text = " ".join(words).strip(" .,;:!?-\"'")
            if text:
                fragments.append(text)
        return " ".join([*fragments, *self.kept])


_REFERENCE = re.compile(
    r"(?<![\w])(?P<lead>(?:(?:something|anything|movies?|films?|shows?|series|stuff)\s+)?)"
    r"(?P<trigger>similar to|just like|like|in the (?:vein|style|spirit) of|reminiscent of"
    r"|along the lines of|comparable to|(?:for )?fans of|if (?:you|i|we) (?:liked|loved|enjoyed"
    r"|like|love)|because (?:i|we) (?:liked|loved|watched)|same vibe as|vibes? of)\s+"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
# "I'd like", "feel like", "looks like" are not references.
_NOT_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:i|we|you|they|would|'d|d|feel|feels|looks?|seems?|kinda|don't|dont|do|not)\s*)$",
    re.IGNORECASE,
)

_PERSON_TRIGGER = re.compile(
    r"(?<![\w])(?P<trigger>starring|featuring|feat\.|with actor|with actress|directed by"
    r"|director|from director|by director|written by|acted by|with|by)\s+",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w'.-]*|(?:de|van|von|der|del|di|da|le|la|du|bin|al)(?=\s+[A-Z]))"
_CAPITAL_NAME = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}")
_LOWER_NAME = re.compile(r"[a-z][\w'.-]*(?:\s+[a-z][\w'.-]*){0,2}")
_POSSESSIVE = re.compile(
    rf"(?<![\w])(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})['\u2019]s?\s+(?=(?:movies?|films?"
    rf"|shows?|work|filmography|best|early|later|last|latest|new)\b)"
)
_NAME_STOP = _words(
    "and or but on in from with without for to under over before after since the a an that "
    "which who set about like similar movies movie films film shows show series is are"
)
_OFFER_STRONG: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w])(?:free with ads|ad[\s-]supported|with (?:ads|adverts|commercials)"
                r"|fast channels?)(?![\w])", re.IGNORECASE), "ads"),
    (re.compile(r"(?<![\w])(?:for free|free to (?:watch|stream)|at no (?:extra )?cost"
                r"|without paying|for nothing|free of charge|no subscription(?: needed)?)"
                r"(?![\w])", re.IGNORECASE), "free"),
    (re.compile(r"(?<![\w])(?:to rent|for rent|rentals?|renting|rentable|rent or buy)(?![\w])",
                re.IGNORECASE), "rent"),
    (re.compile(r"(?<![\w])(?:to (?:buy|own|purchase)|for sale|buy or rent|rent or buy"
                r"|purchasable)(?![\w])", re.IGNORECASE), "buy"),
    (re.compile(r"(?<![\w])(?:(?:included )?(?:with|in) (?:my |a |the )?(?:subscription|plan)"
                r"|subscription|included with|at no extra cost)(?![\w])", re.IGNORECASE),
     "subscription"),
)
_OFFER_WEAK: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w])free(?![\w-])", re.IGNORECASE), "free"),
    (re.compile(r"(?<![\w])rent(?![\w])", re.IGNORECASE), "rent"),
    (re.compile(r"(?<![\w])(?:buy|purchase)(?![\w])", re.IGNORECASE), "buy"),
)


class _Builder:
    def __init__(self, query: str, vocabulary: Vocabulary) -> None:
        self.text = _Text(query)
        self.vocabulary = vocabulary
        self.slots: dict[str, list[str]] = {key: [] for key in _TUPLE_SLOTS}
        self.ranges: list[tuple[int | None, int | None]] = []
        self.bounds: list[tuple[int | None, int | None]] = []
        self.runtime_min: int | None = None
        self.runtime_max: int | None = None

    def add(self, slot: str, values: Iterable[str]) -> None:
        bucket = self.slots[slot]
        bucket.extend(value for value in values if value not in bucket)

    def take(self, match: re.Match[str], group: int | str = 0) -> None:
        self.text.take(match.start(group), match.end(group))

    def filler(self) -> None:
        for match in self.text.finditer(_FILLER):
            self.take(match)

    # Strong slots.
    def platforms_and_regions(self) -> None:
        for match in self.text.finditer(self.vocabulary.pattern("platform")):
            phrase = match.group("name")
            if not match.group("prep") and phrase.lower() in _AMBIGUOUS_PLATFORMS:
                continue  # "max 2 hours", "prime suspect": a platform only after "on"
            self.add("platforms", self.vocabulary.lookup("platform", phrase))
            for side in ("pre", "post"):
                if match.group(side):
                    self.add("regions", self._region(match.group(side)))
            self.take(match)
        for match in self.text.finditer(self.vocabulary.pattern("region")):
            if match.group("name"):
                self.add("regions", self.vocabulary.lookup("country", match.group("name")))
            elif match.group("code"):
                code = match.group("code")
                # Upper case only: "in it", "in us" are words, "in US" a region.
                if not code.isupper() or code not in {*COUNTRIES, "UK"}:
                    continue
                self.add("regions", ["GB" if code == "UK" else code])
            else:
                code = match.group("any").upper()
                if code not in {*COUNTRIES, "UK"}:
                    continue
                self.add("regions", ["GB" if code == "UK" else code])
            self.take(match)

    def _region(self, phrase: str) -> tuple[str, ...]:
        return self.vocabulary.lookup("country", phrase) or (
            (_CODE_ALIASES[phrase.lower()],) if phrase.lower() in _CODE_ALIASES else ())

    def runtime(self) -> None:
        for match in self.text.finditer(_RUNTIME_RANGE):
            high = _duration(match)
            if high is None:
                continue
            lo = float(match.group("lo"))
            unit_minutes = not match.group("minutes")
            self.runtime_min = round(lo * 60) if unit_minutes else round(lo)
            self.runtime_max = high
            self.take(match)
        for match in self.text.finditer(_RUNTIME_MAX):
            self.runtime_max = _duration(match)
            self.take(match)
        for match in self.text.finditer(_RUNTIME_MAX_AFTER):
            self.runtime_max = _duration(match)
            self.take(match)
        for match in self.text.finditer(_RUNTIME_MIN):
            self.runtime_min = _duration(match)
            self.take(match)
        for match in self.text.finditer(_RUNTIME_ABOUT):
            minutes = _duration(match)
            if minutes is not None:
                self.runtime_min, self.runtime_max = minutes - 15, minutes + 15
                self.take(match)

    def years(self) -> None:
        for match in self.text.finditer(_YEAR_BETWEEN):
            a, b = match.group("a"), match.group("b")
            low = int(a)
            high = int(b) if len(b) == 4 else (low // 100) * 100 + int(b)
            if high >= low:
                self.ranges.append((low, high))
                self.take(match)
        for match in self.text.finditer(_YEAR_AFTER):
            op = match.group("op").lower()
            if match.group("year"):
                year = int(match.group("year"))
                if op == "from" and not match.group("on"):
                    self.ranges.append((year, year))  # "films from 1995"
                else:
                    strict = op in {"after", "post", "newer than", "later than", ">"}
                    self.bounds.append((year + 1 if strict else year, None))
            else:
                decade = _decade(match, "d_")
                if decade is None:
                    continue
                if op == "from" and not match.group("on"):
                    self.ranges.append(decade)
                else:
                    strict = op in {"after", "post", "newer than", "later than", ">"}
                    self.bounds.append((decade[1] + 1 if strict else decade[0], None))
            self.take(match)
        for match in self.text.finditer(_YEAR_BEFORE):
            op = match.group("op").lower()
            strict = op in {"before", "pre", "older than", "earlier than", "prior to", "<"}
            if match.group("year"):
                year = int(match.group("year"))
                self.bounds.append((None, year - 1 if strict else year))
            else:
                decade = _decade(match, "d_")
                if decade is None:
                    continue
                self.bounds.append((None, decade[0] - 1 if strict else decade[1]))
            self.take(match)
        for match in self.text.finditer(_YEAR_EXACT):
            year = int(match.group("year") or match.group("year2"))
            self.ranges.append((year, year))
            self.take(match)
        for match in self.text.finditer(_DECADE_RE):
            decade = _decade(match)
            if decade:
                self.ranges.append(decade)
                self.take(match)

    def people(self) -> None:
        value = self.text.value
        for match in _PERSON_TRIGGER.finditer(value):
            trigger = match.group("trigger").lower()
            start = match.end()
            names = []
            while True:
                found = _CAPITAL_NAME.match(value, start)
                strong = trigger not in {"with", "by"}
                if found is None and strong:
                    found = _LOWER_NAME.match(value, start)
                if found is None:
                    break
                name = self._trim_name(found.group(0))
                if not name or not self._is_person(name):
                    break
                names.append(name)
                start = found.start() + len(name)
                joiner = re.compile(r"\s*(?:,|&|and)\s*").match(value, start)
                if joiner is None:
                    break
                start = joiner.end()
            if names:
                self.add("people", names)
                end = value.find(names[-1], match.end()) + len(names[-1])
                self.text.take(match.start(), end)
        for match in _POSSESSIVE.finditer(self.text.value):
            name = match.group("name")
            if self._is_person(name):
                self.add("people", [name])
                self.take(match)

    @staticmethod
    def _trim_name(raw: str) -> str:
        words = raw.split()
        kept = []
        for word in words:
            if word.lower().strip(".,") in _NAME_STOP:
                break
            kept.append(word.strip(".,"))
        return " ".join(kept)

    def _is_person(self, name: str) -> bool:
        lowered = name.lower()
        if any(self.vocabulary.lookup(table, lowered)
               for table in ("genre", "mood", "platform", "country")):
            return False
        return not (len(name) < 3 or lowered in _EDGE_WORDS or lowered in {"ads", "subtitles"})

    def offers(self, rules: tuple[tuple[re.Pattern[str], str], ...]) -> None:
        for pattern, offer in rules:
            for match in self.text.finditer(pattern):
                self.add("offer_types", [offer])
                self.take(match)

    # References.
    def references(self) -> None:
        value = self.text.value
        for match in list(_REFERENCE.finditer(value)):
            if _NOT_REFERENCE_BEFORE.search(value[: match.start("trigger")]):
                continue
            if self.text.GAP in value[match.start("trigger"): match.end("trigger")]:
                continue
            rest_start = match.start("rest")
            rest = value[rest_start:]
            end = len(rest)
            gap = rest.find(self.text.GAP)
            if gap >= 0:
                end = gap
            stop = self.vocabulary.pattern("reference_end").search(rest, 1, end)
            if stop:
                end = stop.start()
            span = rest[:end].strip(_QUOTES)
            if not span:
                continue
            titles = self._split_titles(span)
            if not titles:
                continue
            self.add("references", titles)
            lead = match.group("lead").strip().lower()
            for kind, phrases in _KINDS.items():
                if lead in phrases:
                    self.add("kinds", [kind])
            self.text.take(match.start("lead") if match.group("lead") else match.start("trigger"),
                           rest_start + end)
            value = self.text.value

    def _split_titles(self, span: str) -> list[str]:
        cleaned = re.sub(r"\s+(?:movies?|films?|series|shows?|franchise|trilogy)$", "", span,
                         flags=re.IGNORECASE).strip(_QUOTES + ".")
        if cleaned.lower() in self.vocabulary.titles:
            return [cleaned]
        parts = re.split(r"\s*(?:,|\bor\b|\band\b|&|/)\s*", cleaned, flags=re.IGNORECASE)
        return [part.strip(_QUOTES) for part in parts if part.strip(_QUOTES)]

    # Weak slots, outside references.
    def genres_and_moods(self) -> None:
        for match in self.text.finditer(self.vocabulary.pattern("excluded")):
            phrase = match.group("g")
            genres = self.vocabulary.lookup("genre", phrase)
            if not genres:
                mood = self.vocabulary.lookup("mood", phrase)
                genres = tuple(g for m in mood for g in MOODS[m][1] if g in self.vocabulary.genres)
            if genres:
                self.add("excluded_genres", genres)
            else:
                self.text.kept.append(phrase)  # "not gory": no genre to exclude, a hint to keep
            self.take(match)
        for match in self.text.finditer(self.vocabulary.pattern("mood")):
            moods = self.vocabulary.lookup("mood", match.group(0))
            self.add("moods", moods)
            for mood in moods:
                self.add("genres", [g for g in MOODS[mood][1] if g in self.vocabulary.genres
                                    and g not in self.slots["excluded_genres"]])
            self.take(match)
        for match in self.text.finditer(self.vocabulary.pattern("genre")):
            self.add("genres", self.vocabulary.lookup("genre", match.group(0)))
            self.take(match)

    def kinds(self) -> None:
        for kind, phrases in _KINDS.items():
            pattern = re.compile(rf"{_B}(?:{_alternation(phrases)}){_E}", re.IGNORECASE)
            for match in self.text.finditer(pattern):
                self.add("kinds", [kind])
                self.take(match)

    def build(self) -> Intent:
        year_from: int | None = None
        year_to: int | None = None
        if self.ranges:
            year_from = min(low for low, _ in self.ranges if low is not None)
            year_to = max(high for _, high in self.ranges if high is not None)
        for low, high in self.bounds:
            if low is not None:
                year_from = low if year_from is None else max(year_from, low)
            if high is not None:
                year_to = high if year_to is None else min(year_to, high)
        return Intent(
            text=self.text.left(),
            year_from=year_from,
            year_to=year_to,
            runtime_min=self.runtime_min,
            runtime_max=self.runtime_max,
            **{key: tuple(values) for key, values in self.slots.items()},
        )


def parse_intent(query: str, vocabulary: Vocabulary) -> Intent:
    """Slots of `query` by rules; what no rule claims stays in `text`."""
    query = " ".join(query.split())
    # A request phrase in front ("show me") is cut off, so what follows counts as the start.
    lead = _LEADING_FILLER.match(query)
    builder = _Builder(query[lead.end():] if lead else query, vocabulary)
    builder.filler()
    builder.runtime()
    builder.years()
    builder.offers(_OFFER_STRONG)
    builder.platforms_and_regions()
    builder.people()
    builder.references()
    builder.offers(_OFFER_WEAK)
    builder.genres_and_moods()
    builder.kinds()
    return builder.build()


class RulesIntentParser:
    """The default parser: rules only, no I/O."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    async def parse(self, query: str) -> Intent:
        return parse_intent(query, self.vocabulary)

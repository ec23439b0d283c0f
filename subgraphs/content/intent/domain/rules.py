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
from collections.abc import Iterable

from subgraphs.content.intent.domain.contract import TUPLE_SLOTS, Intent
from subgraphs.content.intent.domain.patterns import (
    CAPITAL_NAME,
    DECADE_RE,
    END,
    LOWER_NAME,
    NOT_REFERENCE_BEFORE,
    OFFER_STRONG,
    OFFER_WEAK,
    PERSON_TRIGGER,
    POSSESSIVE,
    QUOTES,
    REFERENCE,
    RUNTIME_ABOUT,
    RUNTIME_MAX,
    RUNTIME_MAX_AFTER,
    RUNTIME_MIN,
    RUNTIME_RANGE,
    START,
    YEAR_AFTER,
    YEAR_BEFORE,
    YEAR_BETWEEN,
    YEAR_EXACT,
    alternation,
    decade_years,
    duration_minutes,
)
from subgraphs.content.intent.domain.text import QueryText
from subgraphs.content.intent.domain.vocabulary import Vocabulary
from subgraphs.content.intent.domain.words import (
    AMBIGUOUS_PLATFORMS,
    CODE_ALIASES,
    COUNTRIES,
    EDGE_WORDS,
    FILLER,
    KINDS,
    LEADING_FILLER,
    MOODS,
    NAME_STOP,
)

__all__ = ["RulesIntentParser", "parse_intent"]


class _Builder:
    def __init__(self, query: str, vocabulary: Vocabulary) -> None:
        self.text = QueryText(query)
        self.vocabulary = vocabulary
        self.slots: dict[str, list[str]] = {key: [] for key in TUPLE_SLOTS}
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
        for match in self.text.finditer(FILLER):
            self.take(match)

    # Strong slots.
    def platforms_and_regions(self) -> None:
        for match in self.text.finditer(self.vocabulary.pattern("platform")):
            phrase = match.group("name")
            if not match.group("prep") and phrase.lower() in AMBIGUOUS_PLATFORMS:
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
            (CODE_ALIASES[phrase.lower()],) if phrase.lower() in CODE_ALIASES else ())

    def runtime(self) -> None:
        for match in self.text.finditer(RUNTIME_RANGE):
            high = duration_minutes(match)
            if high is None:
                continue
            lo = float(match.group("lo"))
            unit_minutes = not match.group("minutes")
            self.runtime_min = round(lo * 60) if unit_minutes else round(lo)
            self.runtime_max = high
            self.take(match)
        for match in self.text.finditer(RUNTIME_MAX):
            self.runtime_max = duration_minutes(match)
            self.take(match)
        for match in self.text.finditer(RUNTIME_MAX_AFTER):
            self.runtime_max = duration_minutes(match)
            self.take(match)
        for match in self.text.finditer(RUNTIME_MIN):
            self.runtime_min = duration_minutes(match)
            self.take(match)
        for match in self.text.finditer(RUNTIME_ABOUT):
            minutes = duration_minutes(match)
            if minutes is not None:
                self.runtime_min, self.runtime_max = minutes - 15, minutes + 15
                self.take(match)

    def years(self) -> None:
        for match in self.text.finditer(YEAR_BETWEEN):
            a, b = match.group("a"), match.group("b")
            low = int(a)
            high = int(b) if len(b) == 4 else (low // 100) * 100 + int(b)
            if high >= low:
                self.ranges.append((low, high))
                self.take(match)
        for match in self.text.finditer(YEAR_AFTER):
            op = match.group("op").lower()
            if match.group("year"):
                year = int(match.group("year"))
                if op == "from" and not match.group("on"):
                    self.ranges.append((year, year))  # "films from 1995"
                else:
                    strict = op in {"after", "post", "newer than", "later than", ">"}
                    self.bounds.append((year + 1 if strict else year, None))
            else:
                decade = decade_years(match, "d_")
                if decade is None:
                    continue
                if op == "from" and not match.group("on"):
                    self.ranges.append(decade)
                else:
                    strict = op in {"after", "post", "newer than", "later than", ">"}
                    self.bounds.append((decade[1] + 1 if strict else decade[0], None))
            self.take(match)
        for match in self.text.finditer(YEAR_BEFORE):
            op = match.group("op").lower()
            strict = op in {"before", "pre", "older than", "earlier than", "prior to", "<"}
            if match.group("year"):
                year = int(match.group("year"))
                self.bounds.append((None, year - 1 if strict else year))
            else:
                decade = decade_years(match, "d_")
                if decade is None:
                    continue
                self.bounds.append((None, decade[0] - 1 if strict else decade[1]))
            self.take(match)
        for match in self.text.finditer(YEAR_EXACT):
            year = int(match.group("year") or match.group("year2"))
            self.ranges.append((year, year))
            self.take(match)
        for match in self.text.finditer(DECADE_RE):
            decade = decade_years(match)
            if decade:
                self.ranges.append(decade)
                self.take(match)

    def people(self) -> None:
        value = self.text.value
        for match in PERSON_TRIGGER.finditer(value):
            trigger = match.group("trigger").lower()
            start = match.end()
            names = []
            while True:
                found = CAPITAL_NAME.match(value, start)
                strong = trigger not in {"with", "by"}
                if found is None and strong:
                    found = LOWER_NAME.match(value, start)
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
        for match in POSSESSIVE.finditer(self.text.value):
            name = match.group("name")
            if self._is_person(name):
                self.add("people", [name])
                self.take(match)

    @staticmethod
    def _trim_name(raw: str) -> str:
        words = raw.split()
        kept = []
        for word in words:
            if word.lower().strip(".,") in NAME_STOP:
                break
            kept.append(word.strip(".,"))
        return " ".join(kept)

    def _is_person(self, name: str) -> bool:
        lowered = name.lower()
        if any(self.vocabulary.lookup(table, lowered)
               for table in ("genre", "mood", "platform", "country")):
            return False
        return not (len(name) < 3 or lowered in EDGE_WORDS or lowered in {"ads", "subtitles"})

    def offers(self, rules: tuple[tuple[re.Pattern[str], str], ...]) -> None:
        for pattern, offer in rules:
            for match in self.text.finditer(pattern):
                self.add("offer_types", [offer])
                self.take(match)

    # References.
    def references(self) -> None:
        value = self.text.value
        for match in list(REFERENCE.finditer(value)):
            if NOT_REFERENCE_BEFORE.search(value[: match.start("trigger")]):
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
            span = rest[:end].strip(QUOTES)
            if not span:
                continue
            titles = self._split_titles(span)
            if not titles:
                continue
            self.add("references", titles)
            lead = match.group("lead").strip().lower()
            for kind, phrases in KINDS.items():
                if lead in phrases:
                    self.add("kinds", [kind])
            self.text.take(match.start("lead") if match.group("lead") else match.start("trigger"),
                           rest_start + end)
            value = self.text.value

    def _split_titles(self, span: str) -> list[str]:
        cleaned = re.sub(r"\s+(?:movies?|films?|series|shows?|franchise|trilogy)$", "", span,
                         flags=re.IGNORECASE).strip(QUOTES + ".")
        if cleaned.lower() in self.vocabulary.titles:
            return [cleaned]
        parts = re.split(r"\s*(?:,|\bor\b|\band\b|&|/)\s*", cleaned, flags=re.IGNORECASE)
        return [part.strip(QUOTES) for part in parts if part.strip(QUOTES)]

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
        for kind, phrases in KINDS.items():
            pattern = re.compile(rf"{START}(?:{alternation(phrases)}){END}", re.IGNORECASE)
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
    lead = LEADING_FILLER.match(query)
    builder = _Builder(query[lead.end():] if lead else query, vocabulary)
    builder.filler()
    builder.runtime()
    builder.years()
    builder.offers(OFFER_STRONG)
    builder.platforms_and_regions()
    builder.people()
    builder.references()
    builder.offers(OFFER_WEAK)
    builder.genres_and_moods()
    builder.kinds()
    return builder.build()


class RulesIntentParser:
    """The default parser: rules only, no I/O."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    async def parse(self, query: str) -> Intent:
        return parse_intent(query, self.vocabulary)

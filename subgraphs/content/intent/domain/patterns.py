"""The regular expressions of intent rules: runtimes, years and decades, references, people,
offer phrases, and the word boundaries they share."""

from __future__ import annotations

import re
from collections.abc import Iterable

from subgraphs.content.intent.domain.words import DECADE_WORDS, NUMBER_WORDS

__all__ = [
    "CAPITAL_NAME",
    "DECADE_RE",
    "END",
    "LOWER_NAME",
    "NOT_REFERENCE_BEFORE",
    "OFFER_STRONG",
    "OFFER_WEAK",
    "PERSON_TRIGGER",
    "POSSESSIVE",
    "QUOTES",
    "REFERENCE",
    "RUNTIME_ABOUT",
    "RUNTIME_MAX",
    "RUNTIME_MAX_AFTER",
    "RUNTIME_MIN",
    "RUNTIME_RANGE",
    "START",
    "YEAR_AFTER",
    "YEAR_BEFORE",
    "YEAR_BETWEEN",
    "YEAR_EXACT",
    "alternation",
    "decade_years",
    "duration_minutes",
]


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first so "sci-fi" wins over "sci"."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in unique)


QUOTES = " \"'\u201c\u201d\u2018\u2019"
# Our own word boundaries: `\b` fails next to "+" and "'".
START = r"(?<![\w+'])"
END = r"(?![\w+])"


# --- numbers ----------------------------------------------------------------------------------

_DURATION = (
    r"(?:(?P<{p}hours>\d+(?:\.\d+)?|an?|one|two|three|four|half an?)\s*(?:hours?|hrs?|h)"
    r"(?:\s*(?:and\s*)?(?:(?P<{p}half>a half)|(?P<{p}extra>\d+)\s*(?:minutes?|mins?|m)))?"
    r"|(?P<{p}minutes>\d+)\s*(?:minutes?|mins?|min|m))(?![\w])"
)
RUNTIME_MAX = re.compile(
    r"(?<![\w])(?:under|less than|shorter than|below|max(?:imum)?|at most|no (?:more|longer) "
    r"than|not (?:more|longer) than|within|up to|tops|<\s*)\s*" + _DURATION.format(p=""),
    re.IGNORECASE,
)
RUNTIME_MAX_AFTER = re.compile(
    r"(?<![\w])" + _DURATION.format(p="") + r"\s*(?:max(?:imum)?|tops|or (?:less|shorter)|at most)"
    r"(?![\w])",
    re.IGNORECASE,
)
RUNTIME_MIN = re.compile(
    r"(?<![\w])(?:over|more than|longer than|above|at least|min(?:imum)?|no (?:less|shorter) "
    r"than|>\s*)\s*" + _DURATION.format(p=""),
    re.IGNORECASE,
)
RUNTIME_RANGE = re.compile(
    r"(?<![\w])(?:between\s+)?(?P<lo>\d+(?:\.\d+)?)\s*(?:and|to|-)\s*" + _DURATION.format(p=""),
    re.IGNORECASE,
)
RUNTIME_ABOUT = re.compile(
    r"(?<![\w])(?:(?:about|around|roughly|approximately|~)\s*)" + _DURATION.format(p=""),
    re.IGNORECASE,
)

_YEAR = r"(?:18[89]\d|19\d\d|20[0-4]\d)"
_DECADE = (
    r"(?:(?P<{p}part>early|mid|late)[\s-]+)?(?:the\s+)?"
    r"(?:(?P<{p}cent>18|19|20)?(?P<{p}dec>\d)0'?s|'(?P<{p}dec2>\d)0s|(?P<{p}word>"
    + "|".join(DECADE_WORDS) + r"))(?![\w])"
)
YEAR_BETWEEN = re.compile(
    rf"(?<![\w])(?:(?:between|from)\s+)?(?P<a>{_YEAR})\s*(?:and|to|through|until|till|-|\u2013)\s*"
    rf"(?P<b>{_YEAR}|\d\d)(?![\w])",
    re.IGNORECASE,
)
YEAR_AFTER = re.compile(
    rf"(?<![\w])(?P<op>after|since|post|newer than|later than|from|starting|>=?)[\s-]*"
    rf"(?:(?P<year>{_YEAR})|{_DECADE.format(p='d_')})"
    rf"(?P<on>\s+(?:onwards?|on(?=\s*(?:$|[,.;!?]))|and (?:later|after|newer|up)"
    rf"|or (?:later|newer|after)))?"
    rf"(?![\w])",
    re.IGNORECASE,
)
YEAR_BEFORE = re.compile(
    rf"(?<![\w])(?P<op>before|pre|older than|earlier than|until|till|up to|through|prior to"
    rf"|<=?)[\s-]*(?:(?P<year>{_YEAR})|{_DECADE.format(p='d_')})(?![\w])",
    re.IGNORECASE,
)
YEAR_EXACT = re.compile(
    rf"(?<![\w])(?:(?:released\s+)?(?:in|of|year)\s+(?P<year>{_YEAR})"
    rf"|(?P<year2>{_YEAR})(?=\s+(?:movies?|films?|releases?|shows?|series)))(?![\w])",
    re.IGNORECASE,
)
DECADE_RE = re.compile(rf"(?<![\w])(?:(?:from|in|of)\s+)?{_DECADE.format(p='')}", re.IGNORECASE)


def duration_minutes(match: re.Match[str]) -> int | None:
    if match.group("minutes"):
        return int(match.group("minutes"))
    raw = match.group("hours").lower()
    hours = float(NUMBER_WORDS.get(raw, 0) or raw) if raw not in NUMBER_WORDS else (
        NUMBER_WORDS[raw])
    minutes = hours * 60
    if match.group("half"):
        minutes += 30
    if match.group("extra"):
        minutes += int(match.group("extra"))
    return round(minutes)


def decade_years(match: re.Match[str], p: str = "") -> tuple[int, int] | None:
    word = match.group(f"{p}word")
    if word:
        start = DECADE_WORDS[word.lower()]
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



# --- references, people, offers ---------------------------------------------------------------

REFERENCE = re.compile(
    r"(?<![\w])(?P<lead>(?:(?:something|anything|movies?|films?|shows?|series|stuff)\s+)?)"
    r"(?P<trigger>similar to|just like|like|in the (?:vein|style|spirit) of|reminiscent of"
    r"|along the lines of|comparable to|(?:for )?fans of|if (?:you|i|we) (?:liked|loved|enjoyed"
    r"|like|love)|because (?:i|we) (?:liked|loved|watched)|same vibe as|vibes? of)\s+"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
# "I'd like", "feel like", "looks like" are not references.
NOT_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:i|we|you|they|would|'d|d|feel|feels|looks?|seems?|kinda|don't|dont|do|not)\s*)$",
    re.IGNORECASE,
)

PERSON_TRIGGER = re.compile(
    r"(?<![\w])(?P<trigger>starring|featuring|feat\.|with actor|with actress|directed by"
    r"|director|from director|by director|written by|acted by|with|by)\s+",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w'.-]*|(?:de|van|von|der|del|di|da|le|la|du|bin|al)(?=\s+[A-Z]))"
CAPITAL_NAME = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}")
LOWER_NAME = re.compile(r"[a-z][\w'.-]*(?:\s+[a-z][\w'.-]*){0,2}")
POSSESSIVE = re.compile(
    rf"(?<![\w])(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})['\u2019]s?\s+(?=(?:movies?|films?"
    rf"|shows?|work|filmography|best|early|later|last|latest|new)\b)"
)
OFFER_STRONG: tuple[tuple[re.Pattern[str], str], ...] = (
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
OFFER_WEAK: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w])free(?![\w-])", re.IGNORECASE), "free"),
    (re.compile(r"(?<![\w])rent(?![\w])", re.IGNORECASE), "rent"),
    (re.compile(r"(?<![\w])(?:buy|purchase)(?![\w])", re.IGNORECASE), "buy"),
)


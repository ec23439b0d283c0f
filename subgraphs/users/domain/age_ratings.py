"""A profile's age rating limit ("PG-13", "FSK 12", "15") as a minimum age in years.

Content rates titles by minimum viewer age (its search filter `max_age_rating` and the
`age_rating` of `title.upserted` are that number), so a limit travels on the same scale.
"""

from __future__ import annotations

import re

__all__ = ["is_known_rating", "minimum_age"]

# Certifications whose name holds no age, or the wrong one (NC-17 admits no one 17 or under).
# A label several systems use ("PG": BBFC 8, MPA none) takes the lower age: as a limit that is
# the stricter reading.
_NAMED = {
    "G": 0, "U": 0, "TP": 0, "ALL": 0, "TV-Y": 0, "TV-G": 0,
    "TV-Y7": 7, "PG": 8, "TV-PG": 10,
    "R": 17, "TV-MA": 17, "NC-17": 18, "X": 18, "XXX": 18,
}
_AGE = re.compile(r"(\d+)")
_SEPARATORS = re.compile(r"[\s_]+")
_MAX_AGE = 21


def minimum_age(rating: str | None) -> int | None:
    """The highest minimum age a profile may watch; None when it sets no limit.

    Ages in the label are read as such ("12A", "FSK 16", "R15+", "-12"). A label that is set
    but not understood limits to 0 (all ages only): reading it as "no limit" would lift a
    kid profile's parental control.
    """
    if rating is None or not rating.strip():
        return None
    label = _SEPARATORS.sub("-", rating.strip().upper())
    if label in _NAMED:
        return _NAMED[label]
    match = _AGE.search(label)
    if match and int(match[1]) <= _MAX_AGE:
        return int(match[1])
    return 0


def is_known_rating(rating: str) -> bool:
    """Whether the label names an age we read: a new limit must, or it would mean all ages."""
    label = _SEPARATORS.sub("-", rating.strip().upper())
    match = _AGE.search(label)
    return label in _NAMED or bool(match and int(match[1]) <= _MAX_AGE)

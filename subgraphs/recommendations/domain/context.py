"""What the request's context adds: genres a mood implies, display names of regions."""

from __future__ import annotations

__all__ = ["MOOD_GENRES", "SHORT_DEVICES", "mood_genres", "region_name"]

# Moods a client can pass, and the genres that answer them.
MOOD_GENRES: dict[str, tuple[str, ...]] = {
    "funny": ("comedy",), "scary": ("horror",), "tense": ("thriller", "mystery"),
    "exciting": ("action", "adventure"), "sad": ("drama",), "romantic": ("romance",),
    "feel-good": ("comedy", "family", "romance"), "cozy": ("comedy", "family", "animation"),
    "dark": ("crime", "thriller", "film-noir"), "epic": ("adventure", "fantasy", "war"),
    "mind-bending": ("science-fiction", "mystery"), "inspiring": ("drama", "documentary"),
    "mysterious": ("mystery",), "thoughtful": ("drama", "documentary"),
    "family": ("family", "animation"),
}
# Devices people watch shorter titles on.
SHORT_DEVICES = frozenset({"phone", "tablet"})

_REGIONS = {
    "US": "the US", "GB": "the UK", "DE": "Germany", "FR": "France", "ES": "Spain",
    "IT": "Italy", "NL": "the Netherlands", "CA": "Canada", "AU": "Australia", "JP": "Japan",
    "BR": "Brazil", "MX": "Mexico", "IN": "India", "SE": "Sweden", "AT": "Austria",
    "CH": "Switzerland", "IE": "Ireland", "PL": "Poland", "KR": "South Korea",
}


def mood_genres(mood: str | None) -> tuple[str, ...]:
    return MOOD_GENRES.get((mood or "").strip().lower(), ())


def region_name(code: str) -> str:
    return _REGIONS.get(code.upper(), code.upper())

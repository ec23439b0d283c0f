"""Checking one feed value: text, numbers, dates, regions, languages, offers as cache keys.

Each raises `BadRecord` naming the field and the problem. They run for every field of every
feed record, so JSON's own plain values take fast paths.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from subgraphs.content.ingest.records import BadRecord
from subgraphs.content.intent.domain.words import COUNTRIES

__all__ = ["date_field", "datetime_field", "float_field", "int_field", "languages_field",
           "offer_key", "region_code", "text_field"]

_ALPHA3 = {"USA": "US", "GBR": "GB", "DEU": "DE", "FRA": "FR", "JPN": "JP", "ESP": "ES",
           "ITA": "IT", "CAN": "CA", "AUS": "AU", "BRA": "BR", "MEX": "MX", "IND": "IN",
           "KOR": "KR", "NLD": "NL", "SWE": "SE"}
_COUNTRY_NAMES = {name: code for code, names in COUNTRIES.items() for name in names}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$")


def region_code(value: object) -> str:
    """ISO 3166-1 alpha-2 from a code ("us", "UK", "DEU") or a name ("Germany")."""
    return _region_code(str(value or "").strip())


@functools.lru_cache(maxsize=1024)
def _region_code(text: str) -> str:
    upper = text.upper()
    if upper == "UK":
        return "GB"
    if re.fullmatch(r"[A-Z]{2}", upper):
        return upper
    if upper in _ALPHA3:
        return _ALPHA3[upper]
    code = _COUNTRY_NAMES.get(text.lower())
    if code is None:
        raise BadRecord(f"unknown region {text!r}")
    return code


def text_field(data: Mapping[str, object], key: str, limit: int,
               required: bool = False) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    # A plain string (nearly every value) is split once: no words means blank.
    if type(value) is str:
        words = value.split()
        if words:
            value = " ".join(words)
            if len(value) > limit:
                raise BadRecord(f"{key} is longer than {limit} characters")
            return value
    return _other_text(value, key, limit, required)


def _other_text(value: object, key: str, limit: int, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadRecord(f"{key} is missing")
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{key} must be a string")
    value = " ".join(value.split())
    if len(value) > limit:
        raise BadRecord(f"{key} is longer than {limit} characters")
    return value


def int_field(data: Mapping[str, object], key: str, low: int, high: int) -> int | None:
    value = data.get(key)
    # JSON numbers arrive as int: in range, they need no round trip through str.
    if type(value) is int and low <= value <= high:
        return value
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise BadRecord(f"{key} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise BadRecord(f"{key} {number} is outside {low}..{high}")
    return number


def float_field(data: Mapping[str, object], key: str, low: float, high: float) -> float | None:
    value = data.get(key)
    # As in int_field; float(str(x)) is x for a float (repr round-trips), and NaN fails the range.
    if type(value) is float and low <= value <= high:
        return value
    if type(value) is int and low <= value <= high:
        return float(value)
    if value is None or value == "":
        return None
    try:
        number = float(str(value))
    except ValueError:
        raise BadRecord(f"{key} must be a number, not {value!r}") from None
    if not low <= number <= high:
        raise BadRecord(f"{key} {number} is outside {low}..{high}")
    return number


def date_field(value: object, key: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BadRecord(f"{key} {value!r} is not an ISO date") from None


def datetime_field(value: object, key: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BadRecord(f"{key} {value!r} is not an ISO date-time") from None
    # In UTC, as the database gives it back: events from the record and from a re-read agree.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def offer_key(raw: Mapping[str, object]) -> tuple[object, ...] | None:
    """An offer as a cache key when its values are strings, nulls or lists of strings, else
    None. These JSON types equal only themselves: `1 == True`, say, would let one offer's
    result stand for another's. A list becomes a tuple (a tuple value is not cached)."""
    parts: list[tuple[object, object]] = []
    for name, value in raw.items():
        kind = type(value)
        if kind is list:
            if not all(type(item) is str for item in value):
                return None
            value = tuple(value)
        elif kind is not str and value is not None:
            return None
        parts.append((name, value))
    return tuple(parts)


def languages_field(value: object, key: str) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    # Offers repeat a few lists ("en"; "de", "en"): a list of plain strings is checked once.
    if type(value) is list and all(type(v) is str for v in value):
        return _language_list(tuple(value), key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord(f"{key} must be a list of language codes")
    return _language_codes(value, key)


@functools.lru_cache(maxsize=1024)
def _language_list(codes: tuple[str, ...], key: str) -> tuple[str, ...]:
    return _language_codes(codes, key)


def _language_codes(codes: Sequence[str], key: str) -> tuple[str, ...]:
    bad = [v for v in codes if not _LANGUAGE.match(v)]
    if bad:
        raise BadRecord(f"{key} has malformed codes {bad}")
    return tuple(sorted(set(codes)))

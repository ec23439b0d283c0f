"""Feed data -> `TitleRecord`: one genre vocabulary, ISO region codes, checked ids and values.

Raises `BadRecord` naming the first problem, so the report says why a record was skipped.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import orjson

from subgraphs.content.domain.intent import COUNTRIES, Vocabulary
from subgraphs.content.domain.model import (
    CreditRole,
    ExternalIds,
    OfferType,
    TitleKind,
    VideoQuality,
)
from subgraphs.content.ingest.records import (
    BadRecord,
    CreditRecord,
    OfferRecord,
    TitleRecord,
    digest,
)

__all__ = ["Normaliser", "region_code"]

# Labels feeds use that our vocabulary names otherwise (TMDb's, mostly).
_FEED_GENRES = {"music": "musical", "science fiction": "science-fiction", "kids": "family",
                "children": "family", "children's": "family", "sci-fi & fantasy": "fantasy",
                "action & adventure": "action", "war & politics": "war", "noir": "film-noir"}
_OFFER_TYPES = {"flatrate": OfferType.SUBSCRIPTION, "stream": OfferType.SUBSCRIPTION,
                "svod": OfferType.SUBSCRIPTION, "avod": OfferType.ADS, "tvod": OfferType.RENT,
                "est": OfferType.BUY, "purchase": OfferType.BUY, "rental": OfferType.RENT}
_QUALITIES = {"4k": VideoQuality.UHD, "uhd": VideoQuality.UHD, "hdr": VideoQuality.HDR,
              "hd": VideoQuality.HD, "sd": VideoQuality.SD, "fhd": VideoQuality.HD}
_ALPHA3 = {"USA": "US", "GBR": "GB", "DEU": "DE", "FRA": "FR", "JPN": "JP", "ESP": "ES",
           "ITA": "IT", "CAN": "CA", "AUS": "AU", "BRA": "BR", "MEX": "MX", "IND": "IN",
           "KOR": "KR", "NLD": "NL", "SWE": "SE"}
_COUNTRY_NAMES = {name: code for code, names in COUNTRIES.items() for name in names}
_ROLES = {role.value: role for role in CreditRole}
_CACHED_OFFERS = 20_000
_IMDB = re.compile(r"^tt\d{7,10}$")
_TMDB = re.compile(r"^\d{1,10}$")
_EIDR = re.compile(r"^10\.5240/(?:[0-9A-F]{4}-){5}[0-9A-Z]$")
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


def _text(data: Mapping[str, object], key: str, limit: int, required: bool = False) -> str | None:
    value = data.get(key)
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


def _int(data: Mapping[str, object], key: str, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise BadRecord(f"{key} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise BadRecord(f"{key} {number} is outside {low}..{high}")
    return number


def _float(data: Mapping[str, object], key: str, low: float, high: float) -> float | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        number = float(str(value))
    except ValueError:
        raise BadRecord(f"{key} must be a number, not {value!r}") from None
    if not low <= number <= high:
        raise BadRecord(f"{key} {number} is outside {low}..{high}")
    return number


def _date(value: object, key: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BadRecord(f"{key} {value!r} is not an ISO date") from None


def _datetime(value: object, key: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BadRecord(f"{key} {value!r} is not an ISO date-time") from None
    # In UTC, as the database gives it back: events from the record and from a re-read agree.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _languages(value: object, key: str) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord(f"{key} must be a list of language codes")
    bad = [v for v in value if not _LANGUAGE.match(v)]
    if bad:
        raise BadRecord(f"{key} has malformed codes {bad}")
    return tuple(sorted(set(value)))


class Normaliser:
    """Checks and maps feed records against the catalog's genres and platforms."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        # Labels that mapped to no genre, for the report (a feed with a new genre shows up).
        self.unknown_genres: Counter[str] = Counter()
        # Feeds repeat a few labels and platform names endlessly: look each up once.
        self._genres: dict[str, str | None] = {}
        self._platforms: dict[str, str] = {}
        self._salts: dict[str, bytes] = {}
        self._offers: dict[tuple[tuple[str, object], ...], OfferRecord] = {}

    def _salt(self, feed: str) -> bytes:
        """What a record's hash covers besides its data: the feed, and the vocabulary (a new
        genre or platform re-normalises records)."""
        salt = self._salts.get(feed)
        if salt is None:
            salt = self._salts[feed] = orjson.dumps(
                [feed, sorted(self.vocabulary.genres), sorted(self.vocabulary.platforms)])
        return salt

    def genre(self, label: str) -> str | None:
        if label in self._genres:
            slug = self._genres[label]
            if slug is None:
                self.unknown_genres[label] += 1
            return slug
        slug = self._genre(label)
        self._genres[label] = slug
        return slug

    def _genre(self, label: str) -> str | None:
        text = label.strip().lower()
        if text in self.vocabulary.genres:
            return text
        slug = _FEED_GENRES.get(text)
        if slug in self.vocabulary.genres:
            return slug
        found = self.vocabulary.lookup("genre", text)
        if len(found) == 1:
            return found[0]
        self.unknown_genres[label] += 1
        return None

    def platform(self, name: str) -> str:
        slug = self._platforms.get(name)
        if slug is None:
            text = name.strip().lower()
            found = (text,) if text in self.vocabulary.platforms else self.vocabulary.lookup(
                "platform", text)
            if not found:
                raise BadRecord(f"unknown platform {name!r}")
            slug = self._platforms[name] = found[0]
        return slug

    def external_ids(self, raw: object) -> ExternalIds:
        if raw in (None, ""):
            return ExternalIds()
        if not isinstance(raw, Mapping):
            raise BadRecord("ids must be an object")
        imdb = str(raw.get("imdb") or "").strip() or None
        tmdb = str(raw.get("tmdb") or "").strip() or None
        eidr = str(raw.get("eidr") or "").strip().upper() or None
        if imdb and not _IMDB.match(imdb):
            raise BadRecord(f"malformed IMDb id {imdb!r}")
        if tmdb and not _TMDB.match(tmdb):
            raise BadRecord(f"malformed TMDb id {tmdb!r}")
        if eidr and not _EIDR.match(eidr):
            raise BadRecord(f"malformed EIDR id {eidr!r}")
        return ExternalIds(imdb=imdb, tmdb=tmdb, eidr=eidr)

    def offer(self, raw: object) -> OfferRecord:
        if not isinstance(raw, Mapping):
            raise BadRecord("an offer must be an object")
        # Feeds without per-title links repeat the same few offers (platform x region x type)
        # endlessly: an offer of plain strings is checked once. Problems are never cached.
        if not all(type(value) is str for value in raw.values()):
            return self._offer(raw)
        key = tuple(raw.items())
        found = self._offers.get(key)
        if found is None:
            found = self._offer(raw)
            if len(self._offers) < _CACHED_OFFERS:
                self._offers[key] = found
        return found

    def _offer(self, raw: Mapping[str, object]) -> OfferRecord:
        platform = self.platform(str(raw.get("platform") or ""))
        region = region_code(raw.get("region"))
        kind = str(raw.get("type") or "").strip().lower()
        try:
            offer_type = _OFFER_TYPES.get(kind) or OfferType(kind)
        except ValueError:
            raise BadRecord(f"unknown offer type {kind!r}") from None
        quality = _QUALITIES.get(str(raw.get("quality") or "hd").strip().lower())
        if quality is None:
            raise BadRecord(f"unknown video quality {raw.get('quality')!r}")
        price = None
        if raw.get("price") not in (None, ""):
            try:
                price = Decimal(str(raw["price"])).quantize(Decimal("0.01"))
            except InvalidOperation:
                raise BadRecord(f"price {raw['price']!r} is not a number") from None
            if price < 0 or price >= Decimal("1000000"):
                raise BadRecord(f"price {price} is out of range")
        currency = str(raw.get("currency") or "").strip().upper() or None
        if price is not None and (currency is None or not re.fullmatch(r"[A-Z]{3}", currency)):
            raise BadRecord("a priced offer needs a 3-letter currency")
        start = _datetime(raw.get("available_from"), "available_from")
        until = _datetime(raw.get("available_until"), "available_until")
        if start and until and until < start:
            raise BadRecord("available_until is before available_from")
        return OfferRecord(
            platform=platform, region=region, type=offer_type, quality=quality, price=price,
            currency=currency if price is not None else None,
            deep_link=_text(raw, "deep_link", 500), web_url=_text(raw, "web_url", 500),
            available_from=start, available_until=until,
            audio_languages=_languages(raw.get("audio_languages"), "audio_languages"),
            subtitle_languages=_languages(raw.get("subtitle_languages"), "subtitle_languages"),
        )

    def credit(self, raw: object, feed: str) -> CreditRecord:
        if not isinstance(raw, Mapping):
            raise BadRecord("a credit must be an object")
        name = _text(raw, "name", 300, required=True)
        assert name is not None
        role = str(raw.get("role") or "").strip().lower()
        credit_role = _ROLES.get(role)
        if credit_role is None:
            raise BadRecord(f"unknown credit role {role!r}")
        key = str(raw.get("person_id") or "").strip() or f"{feed}-name:{name.lower()}"
        return CreditRecord(person_key=key[:120], name=name, role=credit_role,
                            order=_int(raw, "order", 0, 100_000) or 0,
                            character=_text(raw, "character", 300))

    def record(self, data: Mapping[str, object], feed: str) -> TitleRecord:
        """The normalised record, or BadRecord with the reason."""
        source_id = str(data.get("source_id") or "").strip()
        if not source_id:
            raise BadRecord("source_id is missing")
        source_key = f"{feed}:{source_id}"
        if len(source_key) > 120:
            raise BadRecord("source_id is too long")
        title = _text(data, "title", 500, required=True)
        assert title is not None
        kind_text = str(data.get("kind") or "movie").strip().lower()
        try:
            kind = TitleKind(kind_text)
        except ValueError:
            raise BadRecord(f"unknown kind {kind_text!r}") from None
        if kind not in (TitleKind.MOVIE, TitleKind.SERIES):
            raise BadRecord("seasons and episodes are not ingested from feeds yet")
        release_date = _date(data.get("release_date"), "release_date")
        year = _int(data, "release_year", 1870, 2100)
        if year is None and release_date is not None:
            year = release_date.year
        genres = None
        if data.get("genres") is not None:
            raw_genres = data["genres"]
            if not isinstance(raw_genres, list):
                raise BadRecord("genres must be a list")
            found = (self.genre(str(label)) for label in raw_genres)
            genres = tuple(sorted({slug for slug in found if slug}))
        credits = None
        if data.get("credits") is not None:
            if not isinstance(data["credits"], list):
                raise BadRecord("credits must be a list")
            unique = {}
            for raw in data["credits"]:
                credit = self.credit(raw, feed)
                unique.setdefault((credit.person_key, credit.role), credit)
            credits = tuple(sorted(unique.values(),
                                   key=lambda c: (str(c.role), c.order, c.person_key)))
        offers = None
        if data.get("offers") is not None:
            if not isinstance(data["offers"], list):
                raise BadRecord("offers must be a list")
            unique_offers = {}
            for raw in data["offers"]:
                offer = self.offer(raw)
                unique_offers.setdefault(offer.key, offer)
            offers = tuple(sorted(unique_offers.values(), key=lambda o: o.key))
        similar = data.get("similar") or []
        if not isinstance(similar, list):
            raise BadRecord("similar must be a list of ids")
        return TitleRecord(
            source_key=source_key, title=title, kind=kind,
            original_title=_text(data, "original_title", 500),
            overview=_text(data, "overview", 20_000),
            release_date=release_date, release_year=year,
            runtime_minutes=_int(data, "runtime_minutes", 0, 10_000),
            popularity=_float(data, "popularity", 0, 1e9),
            average_rating=_float(data, "average_rating", 0, 10),
            vote_count=_int(data, "vote_count", 0, 2_000_000_000),
            external_ids=self.external_ids(data.get("ids")),
            collection=_text(data, "collection", 200),
            genres=genres, credits=credits, offers=offers,
            similar=tuple(sorted({str(s) for s in similar})),
            digest=digest(data, self._salt(feed)),
        )

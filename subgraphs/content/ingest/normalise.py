"""Feed data -> `TitleRecord`: one genre vocabulary, ISO region codes, checked ids and values.

Raises `BadRecord` naming the first problem, so the report says why a record was skipped. Single
values are checked by `values.py`.
"""

from __future__ import annotations

import hashlib
import operator
import re
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import orjson

from subgraphs.content.catalog.domain.model import (
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
    assemble,
    salted_digest,
)
from subgraphs.content.ingest.values import (
    date_field,
    datetime_field,
    float_field,
    int_field,
    languages_field,
    offer_key,
    region_code,
    text_field,
)
from subgraphs.content.intent.domain.vocabulary import Vocabulary

if TYPE_CHECKING:
    from hashlib import _Hash

__all__ = ["Normaliser"]

# Labels feeds use that our vocabulary names otherwise (TMDb's, mostly).
_FEED_GENRES = {"music": "musical", "science fiction": "science-fiction", "kids": "family",
                "children": "family", "children's": "family", "sci-fi & fantasy": "fantasy",
                "action & adventure": "action", "war & politics": "war", "noir": "film-noir"}
_OFFER_TYPES = {"flatrate": OfferType.SUBSCRIPTION, "stream": OfferType.SUBSCRIPTION,
                "svod": OfferType.SUBSCRIPTION, "avod": OfferType.ADS, "tvod": OfferType.RENT,
                "est": OfferType.BUY, "purchase": OfferType.BUY, "rental": OfferType.RENT}
_QUALITIES = {"4k": VideoQuality.UHD, "uhd": VideoQuality.UHD, "hdr": VideoQuality.HDR,
              "hd": VideoQuality.HD, "sd": VideoQuality.SD, "fhd": VideoQuality.HD}
_ROLES = {role.value: role for role in CreditRole}
_OFFER_TYPE_VALUES = {offer_type.value: offer_type for offer_type in OfferType}
_KINDS = {kind.value: kind for kind in TitleKind}
_CACHED_OFFERS = 20_000
_CACHED_GENRE_LISTS = 20_000
_NO_IDS = ExternalIds()
# Sort keys of a record's credits and offers (the roles sort as their text: StrEnum).
_CREDIT_ORDER = operator.attrgetter("role", "order", "person_key")
_OFFER_ORDER = operator.attrgetter("key")
_IMDB = re.compile(r"^tt\d{7,10}$")
_TMDB = re.compile(r"^\d{1,10}$")
_EIDR = re.compile(r"^10\.5240/(?:[0-9A-F]{4}-){5}[0-9A-Z]$")
_CURRENCY = re.compile(r"[A-Z]{3}")
_CENT = Decimal("0.01")
_MAX_PRICE = Decimal("1000000")


class Normaliser:
    """Checks and maps feed records against the catalog's genres and platforms.

    It runs once per feed record, so the common case (JSON's own plain values) takes fast paths;
    anything else takes the general checks. Both give the same records and the same reasons.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        # Labels that mapped to no genre, for the report (a feed with a new genre shows up).
        self.unknown_genres: Counter[str] = Counter()
        # Feeds repeat a few labels, genre lists, platform names and offers endlessly: look
        # each up once.
        self._genres: dict[str, str | None] = {}
        self._genre_lists: dict[tuple[str, ...], tuple[tuple[str, ...], list[str]]] = {}
        self._platforms: dict[str, str] = {}
        self._salts: dict[str, _Hash] = {}
        self._offers: dict[tuple[object, ...], OfferRecord] = {}

    def _salted(self, feed: str) -> _Hash:
        """A hash that has taken in what a record's hash covers besides its data: the feed, and
        the vocabulary (a new genre or platform re-normalises records)."""
        salted = self._salts.get(feed)
        if salted is None:
            salted = self._salts[feed] = hashlib.sha256(orjson.dumps(
                [feed, sorted(self.vocabulary.genres), sorted(self.vocabulary.platforms)]))
        return salted

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

    def genre_slugs(self, labels: list[object]) -> tuple[str, ...]:
        """The sorted slugs of a feed's genre labels; labels that map to none are counted."""
        key = tuple(labels)
        if not all(type(label) is str for label in key):
            found = (self.genre(str(label)) for label in key)
            return tuple(sorted({slug for slug in found if slug}))
        # Feeds repeat a few lists of labels: a list is mapped once, and its unknown labels
        # are counted each time it is seen.
        cached = self._genre_lists.get(key)
        if cached is not None:
            slugs, unknown = cached
            if unknown:
                self.unknown_genres.update(unknown)
            return slugs
        mapped = [self.genre(label) for label in key]
        slugs = tuple(sorted({slug for slug in mapped if slug}))
        if len(self._genre_lists) < _CACHED_GENRE_LISTS:
            self._genre_lists[key] = slugs, [
                label for label, slug in zip(key, mapped, strict=True) if slug is None]
        return slugs

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
            return _NO_IDS
        # `type() is dict` first: a JSON object is a dict, and the ABC check costs more.
        if type(raw) is not dict and not isinstance(raw, Mapping):
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
        if imdb is None and tmdb is None and eidr is None:
            return _NO_IDS
        return assemble(ExternalIds, imdb=imdb, tmdb=tmdb, eidr=eidr)

    def offer(self, raw: object) -> OfferRecord:
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise BadRecord("an offer must be an object")
        # Feeds repeat the same few offers (platform x region x type, often with the same
        # dates and languages) endlessly: an offer of plain JSON values is checked once.
        # Problems are never cached.
        key = offer_key(raw)
        if key is None:
            return self._offer(raw)
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
        offer_type = _OFFER_TYPES.get(kind) or _OFFER_TYPE_VALUES.get(kind)
        if offer_type is None:
            raise BadRecord(f"unknown offer type {kind!r}")
        quality = _QUALITIES.get(str(raw.get("quality") or "hd").strip().lower())
        if quality is None:
            raise BadRecord(f"unknown video quality {raw.get('quality')!r}")
        price = None
        if raw.get("price") not in (None, ""):
            try:
                price = Decimal(str(raw["price"])).quantize(_CENT)
            except InvalidOperation:
                raise BadRecord(f"price {raw['price']!r} is not a number") from None
            if price < 0 or price >= _MAX_PRICE:
                raise BadRecord(f"price {price} is out of range")
        currency = str(raw.get("currency") or "").strip().upper() or None
        if price is not None and (currency is None or not _CURRENCY.fullmatch(currency)):
            raise BadRecord("a priced offer needs a 3-letter currency")
        start = datetime_field(raw.get("available_from"), "available_from")
        until = datetime_field(raw.get("available_until"), "available_until")
        if start and until and until < start:
            raise BadRecord("available_until is before available_from")
        return assemble(
            OfferRecord,
            platform=platform, region=region, type=offer_type, quality=quality, price=price,
            currency=currency if price is not None else None,
            deep_link=text_field(raw, "deep_link", 500), web_url=text_field(raw, "web_url", 500),
            available_from=start, available_until=until,
            audio_languages=languages_field(raw.get("audio_languages"), "audio_languages"),
            subtitle_languages=languages_field(raw.get("subtitle_languages"), "subtitle_languages"),
        )

    def credit(self, raw: object, feed: str) -> CreditRecord:
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise BadRecord("a credit must be an object")
        name = text_field(raw, "name", 300, required=True)
        assert name is not None
        role = raw.get("role")
        # Nearly every feed spells the role exactly as we do: no cleaning needed.
        credit_role = _ROLES.get(role) if type(role) is str else None
        if credit_role is None:
            role = str(role or "").strip().lower()
            credit_role = _ROLES.get(role)
            if credit_role is None:
                raise BadRecord(f"unknown credit role {role!r}")
        key = str(raw.get("person_id") or "").strip() or f"{feed}-name:{name.lower()}"
        # A title has dozens of credits: the usual values (an int order, no character) are
        # taken here, anything else by the helpers.
        order = raw.get("order")
        if type(order) is not int or not 0 <= order <= 100_000:
            order = int_field(raw, "order", 0, 100_000) or 0
        character = raw.get("character")
        if character is not None:
            character = text_field(raw, "character", 300)
        return assemble(CreditRecord, person_key=key[:120], name=name, role=credit_role,
                        order=order, character=character)

    def record(self, data: Mapping[str, object], feed: str) -> TitleRecord:
        """The normalised record, or BadRecord with the reason."""
        source_id = str(data.get("source_id") or "").strip()
        if not source_id:
            raise BadRecord("source_id is missing")
        source_key = f"{feed}:{source_id}"
        if len(source_key) > 120:
            raise BadRecord("source_id is too long")
        title = text_field(data, "title", 500, required=True)
        assert title is not None
        kind_text = str(data.get("kind") or "movie").strip().lower()
        kind = _KINDS.get(kind_text)
        if kind is None:
            raise BadRecord(f"unknown kind {kind_text!r}")
        if kind is not TitleKind.MOVIE and kind is not TitleKind.SERIES:
            raise BadRecord("seasons and episodes are not ingested from feeds yet")
        release_date = date_field(data.get("release_date"), "release_date")
        year = int_field(data, "release_year", 1870, 2100)
        if year is None and release_date is not None:
            year = release_date.year
        genres = None
        raw_genres = data.get("genres")
        if raw_genres is not None:
            if not isinstance(raw_genres, list):
                raise BadRecord("genres must be a list")
            genres = self.genre_slugs(raw_genres)
        credits = None
        raw_credits = data.get("credits")
        if raw_credits is not None:
            if not isinstance(raw_credits, list):
                raise BadRecord("credits must be a list")
            unique: dict[tuple[str, CreditRole], CreditRecord] = {}
            for raw in raw_credits:
                credit = self.credit(raw, feed)
                unique.setdefault((credit.person_key, credit.role), credit)
            credits = tuple(sorted(unique.values(), key=_CREDIT_ORDER))
        offers = None
        raw_offers = data.get("offers")
        if raw_offers is not None:
            if not isinstance(raw_offers, list):
                raise BadRecord("offers must be a list")
            unique_offers: dict[tuple[str, str, str], OfferRecord] = {}
            for raw in raw_offers:
                offer = self.offer(raw)
                unique_offers.setdefault(offer.key, offer)
            offers = tuple(sorted(unique_offers.values(), key=_OFFER_ORDER))
        similar = data.get("similar") or []
        if not isinstance(similar, list):
            raise BadRecord("similar must be a list of ids")
        return assemble(
            TitleRecord,
            source_key=source_key, title=title, kind=kind,
            original_title=text_field(data, "original_title", 500),
            overview=text_field(data, "overview", 20_000),
            release_date=release_date, release_year=year,
            runtime_minutes=int_field(data, "runtime_minutes", 0, 10_000),
            popularity=float_field(data, "popularity", 0, 1e9),
            average_rating=float_field(data, "average_rating", 0, 10),
            vote_count=int_field(data, "vote_count", 0, 2_000_000_000),
            external_ids=self.external_ids(data.get("ids")),
            collection=text_field(data, "collection", 200),
            genres=genres, credits=credits, offers=offers,
            similar=tuple(sorted({str(s) for s in similar})) if similar else (),
            digest=salted_digest(self._salted(feed), data),
        )

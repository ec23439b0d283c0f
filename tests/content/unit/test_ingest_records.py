"""Ingestion's per-record shortcuts give what the plain way gives."""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subgraphs.common.ids import stable_id
from subgraphs.content.catalog.domain.model import (
    CreditRole,
    ExternalIds,
    OfferType,
    TitleKind,
)
from subgraphs.content.ingest.ids import stable_text
from subgraphs.content.ingest.normalise import Normaliser
from subgraphs.content.ingest.records import BadRecord, CreditRecord, OfferRecord, TitleRecord
from subgraphs.content.intent.domain.vocabulary import Vocabulary


@given(st.lists(st.one_of(st.text(), st.integers(), st.uuids()), max_size=5))
def test_stable_text_is_stable_id_as_text(parts: list[object]) -> None:
    assert stable_text(*parts) == str(stable_id(*parts))
    assert uuid.UUID(stable_text(*parts)).version == 5


def normaliser() -> Normaliser:
    return Normaliser(Vocabulary.of({"drama": "Drama"}, {"netflix": "Netflix"}))


def test_a_repeated_offer_normalises_as_the_first_and_problems_are_never_kept() -> None:
    feed = normaliser()
    offer = {"platform": "Netflix", "region": "Germany", "type": "flatrate"}
    first = feed.offer(offer)
    assert feed.offer(dict(offer)) == first == normaliser().offer(offer)
    assert (first.platform, first.region, first.type.value) == ("netflix", "DE", "subscription")
    bad = {"platform": "Netflix", "region": "Atlantis", "type": "rent"}
    for _ in range(2):
        with pytest.raises(BadRecord, match="unknown region"):
            feed.offer(bad)
    # A number where a string is expected is checked every time, never served from the cache.
    with pytest.raises(BadRecord, match="price"):
        feed.offer({**offer, "price": True})


def test_offer_times_are_kept_in_utc() -> None:
    offer = normaliser().offer({"platform": "netflix", "region": "US", "type": "free",
                                "available_from": "2026-01-01T02:00:00+02:00"})
    assert offer.available_from is not None
    assert offer.available_from.isoformat() == "2026-01-01T00:00:00+00:00"


def test_the_content_hash_follows_the_data_and_the_vocabulary() -> None:
    record = {"source_id": "1", "title": "Heat", "genres": ["Drama"]}
    same = normaliser().record(dict(record), "feed").content_hash()
    assert normaliser().record(record, "feed").content_hash() == same
    assert normaliser().record({**record, "title": "Heat!"}, "feed").content_hash() != same
    assert normaliser().record(record, "other").content_hash() != same
    wider = Normaliser(Vocabulary.of({"drama": "Drama", "crime": "Crime"}, {"netflix": "N"}))
    assert wider.record(record, "feed").content_hash() != same


# Digests as the normaliser gave them before its fast paths (2026-11-26). A change here makes
# every feed rewrite every title once: it must be on purpose.
HEAT = {
    "source_id": "heat", "title": "  Heat ", "release_date": "1995-12-15", "runtime_minutes": 170,
    "genres": ["Crime", "Drama", "Made-up genre"], "ids": {"imdb": "tt0113277", "tmdb": "949"},
    "popularity": 50.5, "average_rating": 7, "vote_count": 10,
    "overview": "A thief\nand a cop — Los Ángeles.",
    "credits": [{"person_id": "imdb:nm0000134", "name": "Robert De Niro", "role": "actor",
                 "order": 1, "character": "Neil"},
                {"name": "Michael Mann", "role": "Director"}],
    "offers": [{"platform": "Netflix", "region": "us", "type": "flatrate"},
               {"platform": "prime_video", "region": "Germany", "type": "rent", "price": "3.99",
                "currency": "EUR", "available_until": "2027-01-01T00:00:00Z",
                "audio_languages": ["en", "de"]}],
    "similar": ["b", 2, "a"],
}


def crime_and_drama() -> Normaliser:
    return Normaliser(Vocabulary.of({"drama": "Drama", "crime": "Crime"},
                                    {"netflix": "Netflix", "prime_video": "Prime Video"}))


@pytest.mark.parametrize(("data", "expected"), [
    ({"source_id": "1", "title": "Heat", "genres": ["Drama"]},
     "fe78b83c8e81e6405729aa1cf4e028873dac8b5463c84d0cd3937be7b171d0db"),
    (HEAT, "6e2cd92b44d72da89b400944d31e6ef544532b676491e5b7e2b6c38c0c9ca8c4"),
])
def test_content_hashes_keep_their_format(data: dict[str, object], expected: str) -> None:
    feed = crime_and_drama()
    for _ in range(2):  # the second time from the normaliser's caches
        assert feed.record(data, "feed").content_hash() == expected


def test_a_record_normalises_to_what_the_constructors_build() -> None:
    expected = TitleRecord(
        source_key="feed:heat", title="Heat", kind=TitleKind.MOVIE,
        overview="A thief and a cop — Los Ángeles.", release_date=date(1995, 12, 15),
        release_year=1995, runtime_minutes=170, popularity=50.5, average_rating=7.0,
        vote_count=10, external_ids=ExternalIds(imdb="tt0113277", tmdb="949"),
        genres=("crime", "drama"),
        credits=(CreditRecord("imdb:nm0000134", "Robert De Niro", CreditRole.ACTOR, 1, "Neil"),
                 CreditRecord("feed-name:michael mann", "Michael Mann", CreditRole.DIRECTOR)),
        offers=(OfferRecord("netflix", "US", OfferType.SUBSCRIPTION),
                OfferRecord("prime_video", "DE", OfferType.RENT, price=Decimal("3.99"),
                            currency="EUR", available_until=datetime(2027, 1, 1, tzinfo=UTC),
                            audio_languages=("de", "en"))),
        similar=("2", "a", "b"),
    )
    feed = crime_and_drama()
    for _ in range(2):
        record = feed.record(HEAT, "feed")
        assert record == expected and hash(record) == hash(expected)
        assert type(record.average_rating) is float and type(record.similar[0]) is str
        for part in (record, record.external_ids, *record.credits, *record.offers):
            assert vars(part).keys() >= {field.name for field in fields(part)}
    assert dict(feed.unknown_genres) == {"Made-up genre": 2}


@pytest.mark.parametrize(("change", "reason"), [
    ({"source_id": " "}, "source_id is missing"),
    ({"source_id": "x" * 120}, "source_id is too long"),
    ({"title": " \n"}, "title is missing"),
    ({"title": 7}, "title must be a string"),
    ({"title": "x" * 501}, "title is longer than 500 characters"),
    ({"kind": "Short"}, "unknown kind 'short'"),
    ({"kind": "episode"}, "seasons and episodes are not ingested from feeds yet"),
    ({"release_date": "15/12/1995"}, "release_date '15/12/1995' is not an ISO date"),
    ({"release_year": True}, "release_year must be a whole number, not True"),
    ({"runtime_minutes": 10_001}, "runtime_minutes 10001 is outside 0..10000"),
    ({"popularity": "a lot"}, "popularity must be a number, not 'a lot'"),
    ({"average_rating": 10.5}, "average_rating 10.5 is outside 0..10"),
    ({"genres": "Drama"}, "genres must be a list"),
    ({"credits": [{"name": "A", "role": "singer"}]}, "unknown credit role 'singer'"),
    ({"credits": [{"name": "A", "role": "actor", "order": -1}]}, "order -1 is outside 0..100000"),
    ({"credits": ["A"]}, "a credit must be an object"),
    ({"offers": [{"platform": "Netflix", "region": "us", "type": "rent", "price": "3.99"}]},
     "a priced offer needs a 3-letter currency"),
    ({"offers": [{"platform": "Netflix", "region": "us", "type": "free",
                  "audio_languages": ["english"]}]},
     "audio_languages has malformed codes ['english']"),
    ({"ids": {"imdb": "nm123"}}, "malformed IMDb id 'nm123'"),
    ({"ids": ["tt0113277"]}, "ids must be an object"),
    ({"similar": "b"}, "similar must be a list of ids"),
])
def test_bad_records_say_why(change: dict[str, object], reason: str) -> None:
    feed = crime_and_drama()
    feed.record(HEAT, "feed")  # warm caches must not change the answer
    with pytest.raises(BadRecord) as raised:
        feed.record({**HEAT, **change}, "feed")
    assert str(raised.value) == reason

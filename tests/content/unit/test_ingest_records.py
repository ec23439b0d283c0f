"""Ingestion's per-record shortcuts give what the plain way gives."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subgraphs.common.ids import stable_id
from subgraphs.content.domain.intent import Vocabulary
from subgraphs.content.ingest.ids import stable_text
from subgraphs.content.ingest.normalise import Normaliser
from subgraphs.content.ingest.records import BadRecord


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

"""The ingestion pipeline over a real database: JSON Lines and TMDb feeds, reruns, events."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.outbox import OutboxEvent, OutboxRelay
from subgraphs.content.adapters.orm import CreditRow, OfferRow, PersonRow, TitleGenreRow, TitleRow
from subgraphs.content.catalog.domain.model import Title
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.ingest import IngestPipeline
from subgraphs.content.ingest.feeds import JsonLinesFeed
from subgraphs.content.ingest.ids import stable_text


class Captured:
    def __init__(self) -> None:
        self.events: list[Event] = []

    async def publish_many(self, events: list[Event]) -> None:
        self.events.extend(events)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [dict(event.payload) for event in self.events if event.type == kind]


class Indexer:
    def __init__(self) -> None:
        self.batches: list[list[uuid.UUID]] = []

    async def index_titles(self, titles: Sequence[Title], progress: bool = False) -> int:
        self.batches.append([title.id for title in titles])
        return len(titles)


def heat(**changes: Any) -> dict[str, Any]:
    record = {
        "source_id": "heat", "title": "Heat", "release_date": "1995-12-15",
        "runtime_minutes": 170, "genres": ["Crime", "Thriller", "Made-up genre"],
        "ids": {"imdb": "tt0113277", "tmdb": "949"}, "popularity": 50.5, "vote_count": 10,
        "credits": [{"person_id": "imdb:nm0000134", "name": "Robert De Niro", "role": "actor"},
                    {"person_id": "imdb:nm0000520", "name": "Michael Mann", "role": "director"}],
        "offers": [{"platform": "Netflix", "region": "us", "type": "flatrate"},
                   {"platform": "prime_video", "region": "Germany", "type": "rent",
                    "price": "3.99", "currency": "EUR"}],
    }
    record.update(changes)
    return record


async def person_ids() -> dict[str, str]:
    """Each stored person's id (text) by their feed key."""
    return {key: str(person_id)
            for person_id, key in await PersonRow.all().values_list("id", "source_key")}


def write(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line)
                              for line in lines) + "\n")
    return path


async def ingest(path: Path, publisher: Any = None, **options: Any):  # type: ignore[no-untyped-def]
    feed = JsonLinesFeed(path, name="test")
    return await IngestPipeline(publisher, **options).run(feed.name, feed.items(),
                                                          progress=False)


async def test_good_records_land_and_bad_ones_are_reported(catalog: None, tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", [
        heat(),
        "{not json",
        {"source_id": "x1", "title": ""},
        heat(source_id="x2", title="Other", offers=[{"platform": "nowhere-tv", "region": "US",
                                                       "type": "subscription"}]),
        heat(source_id="x3", title="Bad id", ids={"imdb": "nm123"}),
        [1, 2],
    ])
    captured = Captured()
    report = await ingest(path, captured)
    assert (report.read, report.created, len(report.skipped)) == (6, 1, 5)
    reasons = dict(report.skipped)
    assert reasons["feed.jsonl:2"].startswith("not JSON")
    assert reasons["feed.jsonl:3"] == "title is missing"
    assert reasons["feed.jsonl:4"] == "unknown platform 'nowhere-tv'"
    assert reasons["feed.jsonl:5"] == "malformed IMDb id 'nm123'"
    assert report.unknown_genres == {"Made-up genre": 3}, "seen in three records"
    # Nothing of the bad records was written.
    assert await TitleRow.all().count() == 1
    row = await TitleRow.get(source_key="test:heat")
    assert (row.release_year, row.imdb_id, row.runtime_minutes) == (1995, "tt0113277", 170)
    assert sorted(await TitleGenreRow.filter(title_id=row.id).values_list("genre_id", flat=True)
                  ) == ["crime", "thriller"]
    assert await CreditRow.filter(title_id=row.id).count() == 2
    offers = await OfferRow.filter(title_id=row.id).order_by("region")
    assert [(o.platform_id, o.region, o.type.value) for o in offers] == [  # type: ignore[attr-defined]
        ("prime_video", "DE", "rent"), ("netflix", "US", "subscription")]
    assert sorted(captured.of("availability.changed"), key=lambda p: p["region"]) == [
        {"title_id": str(row.id), "platform": "prime_video", "region": "DE",
         "offer_type": "rent", "available": True},
        {"title_id": str(row.id), "platform": "netflix", "region": "US",
         "offer_type": "subscription", "available": True},
    ]
    [upserted] = captured.of("title.upserted")
    assert upserted["genres"] == ["crime", "thriller"] and len(upserted["offers"]) == 2
    people = await person_ids()
    assert {key: value for key, value in upserted.items() if key != "offers"} == {
        "title_id": str(row.id), "title": "Heat", "kind": "movie", "release_year": 1995,
        "genres": ["crime", "thriller"], "popularity": 50.5, "average_rating": None,
        "vote_count": 10, "runtime_minutes": 170,
        # The feed gives no age rating: unknown, as in the search index.
        "age_rating": None,
        "people": [{"key": people["imdb:nm0000520"], "role": "director", "order": 0},
                   {"key": people["imdb:nm0000134"], "role": "actor", "order": 0}],
    }


async def test_a_rerun_writes_nothing_and_publishes_nothing(catalog: None, tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", [heat(), heat(source_id="b", title="Ronin", ids={})])
    assert (await ingest(path)).created == 2
    before = await TitleRow.get(source_key="test:heat")
    captured, indexer = Captured(), Indexer()
    report = await ingest(path, captured, indexer=indexer)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert captured.events == [] and indexer.batches == []
    assert (await TitleRow.get(source_key="test:heat")).updated_at == before.updated_at


async def test_offer_changes_become_one_event_each(catalog: None, tmp_path: Path) -> None:
    await ingest(write(tmp_path / "a.jsonl", [heat()]))
    changed = heat(offers=[{"platform": "netflix", "region": "US", "type": "subscription"},
                           {"platform": "hulu", "region": "US", "type": "ads"}])
    captured = Captured()
    report = await ingest(write(tmp_path / "b.jsonl", [changed]), captured)
    assert report.updated == 1
    title_id = str((await TitleRow.get(source_key="test:heat")).id)
    assert sorted(captured.of("availability.changed"), key=lambda p: p["platform"]) == [
        {"title_id": title_id, "platform": "hulu", "region": "US", "offer_type": "ads",
         "available": True},
        {"title_id": title_id, "platform": "prime_video", "region": "DE", "offer_type": "rent",
         "available": False},
    ]


async def test_records_resolve_to_existing_titles(catalog: None, tmp_path: Path) -> None:
    await ingest(write(tmp_path / "a.jsonl", [heat()]))
    other = JsonLinesFeed(write(tmp_path / "b.jsonl", [
        {"source_id": "1", "title": "Heat (director's cut)", "ids": {"imdb": "tt0113277"},
         "overview": "A heist."},
        {"source_id": "2", "title": "heat", "release_year": 1996},
        {"source_id": "3", "title": "Heat", "release_year": 1972},
    ]), name="other")
    report = await IngestPipeline().run(other.name, other.items(), progress=False)
    assert report.matches == {"imdb": 1, "title": 1, "new": 1}
    assert await TitleRow.all().count() == 2
    row = await TitleRow.get(source_key="test:heat")
    assert row.overview == "A heist." and row.title == "heat", "later records win, gaps keep"


async def test_committed_titles_are_indexed_and_graph_is_built(
    catalog: None, tmp_path: Path
) -> None:
    records = [heat(source_id=f"s{n}", title=f"Sequel {n}" if n else "Sequel",
                    ids={"imdb": f"tt{n:07d}"}, offers=[]) for n in range(250)]
    indexer = Indexer()
    report = await ingest(write(tmp_path / "many.jsonl", records), indexer=indexer,
                          graph=TitleGraph())
    assert report.created == 250 and report.indexed == 250
    # Indexed once per commit: this run fits in one.
    assert [len(batch) for batch in indexer.batches] == [250]
    assert report.graph_edges > 0


async def test_events_reach_the_redis_stream(
    catalog: None, tmp_path: Path, redis_url: str
) -> None:
    redis = Redis.from_url(redis_url)
    try:
        await ingest(write(tmp_path / "a.jsonl", [heat()]), RedisEventBus(redis))
        entries = await redis.xrange("availability.changed")
        assert len(entries) == 2
        payload = json.loads(entries[0][1][b"payload"])
        assert set(payload) == {"title_id", "platform", "region", "offer_type", "available"}
    finally:
        await redis.aclose()


async def test_upserted_offers_read_the_same_from_the_record_and_the_catalog(
    catalog: None, tmp_path: Path
) -> None:
    offers = [{"platform": "netflix", "region": "US", "type": "rent", "price": "3.99",
               "currency": "USD", "available_from": "2026-01-01T02:00:00+02:00",
               "audio_languages": ["en"]},
              {"platform": "hulu", "region": "US", "type": "ads"}]
    first, second = Captured(), Captured()
    await ingest(write(tmp_path / "a.jsonl", [heat(offers=offers)]), first)
    # The second record leaves offers and genres out: the event reads them from the catalog.
    await ingest(write(tmp_path / "b.jsonl", [heat(offers=None, genres=None, title="Heat!")]),
                 second)
    [before] = first.of("title.upserted")
    [after] = second.of("title.upserted")
    assert after["title"] == "Heat!" and second.of("availability.changed") == []
    assert after["offers"] == before["offers"] and after["genres"] == before["genres"]
    assert before["offers"][1]["available_from"] == "2026-01-01T00:00:00+00:00"


def cast(count: int, **credit: Any) -> list[dict[str, Any]]:
    return [{"person_id": f"imdb:nm{n:07d}", "name": f"Actor {n}", "role": "actor", **credit}
            for n in range(count)]


async def test_upserted_lists_key_people_by_their_stored_ids(
    catalog: None, tmp_path: Path
) -> None:
    mann = {"person_id": "imdb:nm0000520", "name": "Michael Mann"}
    # Billing order, not feed order, picks the leading cast; producers are not listed.
    actors = [{**actor, "order": 11 - n} for n, actor in enumerate(cast(12))]
    credits = [*actors, {**mann, "role": "writer"}, {**mann, "role": "director"},
               {"person_id": "imdb:nm0000001", "name": "Art Linson", "role": "producer"}]
    captured = Captured()
    await ingest(write(tmp_path / "a.jsonl", [
        heat(credits=credits),
        heat(source_id="collateral", title="Collateral", ids={"imdb": "tt0369339"},
             credits=[{**mann, "role": "director"}, {**actors[0], "order": 3}]),
        heat(source_id="quiet", title="No credits", ids={}, credits=None),
        heat(source_id="empty", title="Empty credits", ids={}, credits=[]),
    ]), captured)
    ids = await person_ids()
    by_title = {payload["title"]: payload["people"] for payload in captured.of("title.upserted")}
    assert by_title["Heat"] == [
        {"key": ids["imdb:nm0000520"], "role": "director", "order": 0},
        {"key": ids["imdb:nm0000520"], "role": "writer", "order": 0},
        *[{"key": ids[f"imdb:nm{11 - order:07d}"], "role": "actor", "order": order}
          for order in range(8)],
    ]
    # The same person has the same key in every title: the id content stores them under,
    # made from the feed's person id (so every run and database agrees).
    assert by_title["Collateral"] == [
        {"key": ids["imdb:nm0000520"], "role": "director", "order": 0},
        {"key": ids["imdb:nm0000000"], "role": "actor", "order": 3},
    ]
    assert ids["imdb:nm0000520"] == stable_text("person", "imdb:nm0000520")
    assert by_title["No credits"] == [] and by_title["Empty credits"] == []


async def test_upserted_people_read_the_same_from_the_record_and_the_catalog(
    catalog: None, tmp_path: Path
) -> None:
    # Ten actors of the same order: the leading eight are the same either way.
    first, second, third = Captured(), Captured(), Captured()
    records = [heat(credits=[*cast(10), {"person_id": "imdb:nm0000520", "name": "Michael Mann",
                                         "role": "director"}]),
               heat(source_id="ronin", title="Ronin", ids={}, credits=cast(3, order=2))]
    await ingest(write(tmp_path / "a.jsonl", records), first)
    # The records leave credits out: their events list the stored people.
    await ingest(write(tmp_path / "b.jsonl", [
        {**record, "credits": None, "title": record["title"] + "!"} for record in records
    ]), second)
    before = {payload["title"]: payload["people"] for payload in first.of("title.upserted")}
    after = {payload["title"]: payload["people"] for payload in second.of("title.upserted")}
    assert after == {"Heat!": before["Heat"], "Ronin!": before["Ronin"]}
    assert len(before["Heat"]) == 9 and len(before["Ronin"]) == 3
    # An empty list clears them, and the event says so.
    await ingest(write(tmp_path / "c.jsonl", [heat(credits=[], title="Heat?")]), third)
    [cleared] = third.of("title.upserted")
    assert cleared["people"] == []


async def test_people_already_stored_are_credited_again(catalog: None, tmp_path: Path) -> None:
    await ingest(write(tmp_path / "a.jsonl", [heat()]))
    other = heat(source_id="collateral", title="Collateral", ids={"imdb": "tt0369339"},
                 credits=[{"person_id": "imdb:nm0000520", "name": "M. Mann", "role": "director"}])
    report = await ingest(write(tmp_path / "b.jsonl", [other]))
    assert report.created == 1 and not report.skipped
    row = await TitleRow.get(source_key="test:collateral")
    [credit] = await CreditRow.filter(title_id=row.id).prefetch_related("person")
    assert credit.person.name == "Michael Mann", "a known person keeps their name"


async def test_batches_written_beside_normalising_keep_feed_order(
    catalog: None, tmp_path: Path
) -> None:
    # The same title in many small batches: whichever batch comes last in the feed wins.
    records = [heat(source_id=f"s{n % 3}", title=f"Take {n}", ids={}, offers=[])
               for n in range(30)]
    indexer = Indexer()
    report = await ingest(write(tmp_path / "many.jsonl", records), indexer=indexer,
                          batch_size=4)
    assert report.created + report.updated == 30 and report.indexed == 30
    assert sorted(await TitleRow.all().values_list("title", flat=True)) == [
        "Take 27", "Take 28", "Take 29"]


class CommittedOnly(Captured):
    """A publisher that checks, through the app's own connection, that what it is told about
    is committed: events must never run ahead of the transaction."""

    def __init__(self) -> None:
        super().__init__()
        self.unseen: list[str] = []

    async def publish_many(self, events: list[Event]) -> None:
        ids = {str(event.payload["title_id"]) for event in events}
        stored = {str(i) for i in await TitleRow.filter(id__in=ids).values_list("id", flat=True)}
        self.unseen += sorted(ids - stored)
        await super().publish_many(events)


async def test_events_follow_the_commit_of_their_batch(catalog: None, tmp_path: Path) -> None:
    records = [heat(source_id=f"s{n}", title=f"Take {n}", ids={}) for n in range(250)]
    publisher = CommittedOnly()
    report = await ingest(write(tmp_path / "many.jsonl", records), publisher)
    assert report.created == 250
    assert len(publisher.of("title.upserted")) == 250 and publisher.unseen == []
    # Published, so nothing is left staged for the relay to send again.
    assert await OutboxEvent.all().count() == 0


async def test_a_row_the_database_refuses_costs_only_its_record(
    catalog: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from subgraphs.content.ingest import writer
    from subgraphs.content.ingest.store import CREDIT, Insert

    plan = writer.CatalogWriter._credit_steps

    def poisoned(self: writer.CatalogWriter, todo: Any, *args: Any) -> list[Any]:
        # A credit of a person who does not exist: the foreign key refuses it.
        bad = [(item.id_text, str(uuid.uuid4()), "actor", None, 0)
               for item in todo if item.record.title == "Poison"]
        return [*plan(self, todo, *args), Insert(CREDIT, bad)]

    monkeypatch.setattr(writer.CatalogWriter, "_credit_steps", poisoned)
    records = [heat(source_id=f"s{n}", title="Poison" if n == 3 else f"Take {n}", ids={})
               for n in range(6)]
    captured = Captured()
    report = await ingest(write(tmp_path / "feed.jsonl", records), captured)
    assert report.created == 5
    [(ref, reason)] = report.skipped
    assert ref == "test:s3" and reason.startswith("database: ")
    assert sorted(await TitleRow.all().values_list("title", flat=True)) == [
        f"Take {n}" for n in (0, 1, 2, 4, 5)]
    assert len(captured.of("title.upserted")) == 5, "nothing is published for the refused one"


class RedisAway:
    async def publish_many(self, events: list[Event]) -> None:
        raise RedisConnectionError("Connection refused")


async def test_a_run_while_redis_is_away_leaves_its_events_staged_for_the_relay(
    catalog: None, tmp_path: Path
) -> None:
    await OutboxEvent.all().delete()
    records = [heat(source_id=f"s{n}", title=f"Take {n}", ids={}) for n in range(120)]
    report = await ingest(write(tmp_path / "feed.jsonl", records), RedisAway())
    # The catalog is written; nothing it committed goes unannounced: the events wait.
    assert report.created == 120 and report.events > 0
    assert await OutboxEvent.all().count() == report.events
    # Redis back: the content app's relay publishes them, in commit order, once.
    captured = Captured()
    assert await OutboxRelay(captured).flush() == report.events
    assert len(captured.of("title.upserted")) == 120
    assert await OutboxEvent.all().count() == 0

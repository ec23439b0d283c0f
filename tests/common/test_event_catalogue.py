"""The event catalogue: what each producer builds is what its stream's contract accepts, a
payload that breaks a contract is refused, the outbox and the bus refuse it while checking is on,
and the checked-in `schema/events/*.json` are held to the contracts."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from redis.asyncio import Redis
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from mediagateway.schema_export import EVENTS_DIR, stale_event_files, write_event_files
from subgraphs.common import contracts, erasure
from subgraphs.common.contracts import CATALOGUE, EventContractError
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.outbox import OutboxEvent, stage
from subgraphs.common.vocabulary import OfferType, VideoQuality
from subgraphs.content.ingest import events as content_events
from subgraphs.playback.sessions.domain import events as playback_events
from subgraphs.playback.sync.domain import events as sync_events
from subgraphs.users import events as users_events
from subgraphs.users.domain.model import Profile, User, ViewingEvent
from subgraphs.users.oauth import events as oauth_events
from subgraphs.users.oauth.domain import Client

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 1, 20, 15, 7, 123456, tzinfo=UTC)


def _home(cls: type) -> ModuleType:
    """The module that defines a class a builder's module imports. Content's and playback's
    domain modules are being moved: reaching them through the builders keeps this test on
    whatever the builders use."""
    return importlib.import_module(cls.__module__)


def _users() -> Iterator[Event]:
    user = User(id=uuid.uuid4(), email="ada@example.com", display_name="Ada", home_region="GB",
                subscribed_platforms=("netflix", "bbc_iplayer"), preferred_genres=("drama",),
                created_at=NOW)
    yield users_events.user_registered(user)
    yield users_events.user_registered(dataclasses.replace(user, preferred_genres=(),
                                                           subscribed_platforms=()))
    yield users_events.user_updated(user, NOW)
    viewing = ViewingEvent.record(id=uuid.uuid4(), user_id=user.id, title_id=uuid.uuid4(),
                                  progress=0.4, occurred_at=NOW, position_seconds=600)
    yield users_events.viewing_recorded(viewing)
    yield users_events.viewing_recorded(dataclasses.replace(viewing, progress=1, rating=5),
                                        origin="sync")
    for action in ("added", "removed"):
        yield users_events.watchlist_changed(user.id, uuid.uuid4(), action, NOW)  # type: ignore[arg-type]
        yield users_events.watchlist_changed(user.id, uuid.uuid4(), action, NOW, origin="sync")  # type: ignore[arg-type]
    grown_up = Profile.default_for(user)
    kid = Profile(id=uuid.uuid4(), user_id=user.id, name="Tom", is_kid=True,
                  max_age_rating="12A", blocked_genres=("horror",))
    yield users_events.profile_changed(grown_up, NOW, created=True)
    yield users_events.profile_changed(kid, NOW)
    yield users_events.profile_changed(dataclasses.replace(kid, max_age_rating="nonsense"), NOW)
    yield users_events.profile_changed(kid, NOW, deleted=True)
    yield oauth_events.device_signed_in(user.id, Client("demo-tv", "Media Gateway TV app"),
                                        uuid.uuid4())
    yield erasure.user_deleted(user.id, NOW)
    for subgraph in erasure.ERASERS:
        yield erasure.user_erased(user.id, subgraph)


def _content() -> Iterator[Event]:
    title_type = content_events.Title
    title_kind = _home(title_type).TitleKind
    title_id = uuid.uuid4()
    fresh_offer = {  # as ingestion writes it: enums, Decimal, datetimes
        "platform_id": "netflix", "region": "DE", "type": OfferType.SUBSCRIPTION,
        "quality": VideoQuality.UHD, "price": None, "currency": None,
        "deep_link": "nflx://www.netflix.com/title/1", "web_url": "https://netflix.com/title/1",
        "available_from": NOW, "available_until": None,
    }
    stored_offer = {  # as read back from the catalog: text
        "platform_id": "youtube", "region": "US", "type": "rent", "quality": "hd",
        "price": Decimal("3.99"), "currency": "USD", "deep_link": "vnd.youtube://watch?v=1",
        "web_url": "https://www.youtube.com/watch?v=1", "available_from": None,
        "available_until": NOW,
    }
    credits = [("p1", "director", 0), ("p2", "writer", 0), ("p3", "producer", 0)] + [
        (f"a{n}", "actor", n) for n in range(10)]
    for kind in title_kind:
        title = title_type(id=title_id, kind=kind, title="Heat, The", release_year=1995,
                           runtime_minutes=170, popularity=12.5, average_rating=8.3,
                           vote_count=900)
        yield content_events.title_upserted(title, "hash-1", ["crime", "drama"],
                                            [fresh_offer, stored_offer], credits)
    bare = title_type(id=uuid.uuid4(), kind=next(iter(title_kind)), title="Untitled")
    yield content_events.title_upserted(bare, "hash-2", [], [], [])
    for offer_type in OfferType:
        for available in (True, False):
            yield content_events.availability_changed(
                (title_id, "netflix", "DE", offer_type.value, available), "hash-1")


def _playback() -> Iterator[Event]:
    change_types = _home(sync_events.ProgressChanged)
    user_id, title = uuid.uuid4(), str(uuid.uuid4())
    stamp = change_types.Hlc(1_740_000_000_000, 3, "b7c0f3e2-tv")
    changes = [
        sync_events.WatchlistAdded(title), sync_events.WatchlistRemoved(title),
        sync_events.ProgressChanged(change_types.Progress(title, 0, 5400, stamp)),
        sync_events.ProgressChanged(change_types.Progress(title, 5400, 5400, stamp)),
    ]
    for change in changes:
        built = sync_events.stream_event(user_id, change, NOW.isoformat())
        assert built is not None
        kind, event_id, payload = built
        # As `SyncDocuments` stages it.
        yield Event(type=kind, id=event_id, payload=payload)

    session_type = playback_events.PlaybackSession
    session_model = _home(session_type)
    chosen_offer = session_model.ChosenOffer
    offer_fact = _home(chosen_offer).OfferFact
    offers = [
        None,
        chosen_offer(offer_fact(title_id=uuid.uuid4(), platform="netflix", region="GB",
                                type=OfferType.SUBSCRIPTION), VideoQuality.HD, True),
        chosen_offer(offer_fact(title_id=uuid.uuid4(), platform="youtube", region="GB",
                                type=OfferType.RENT, quality=VideoQuality.UHD,
                                price=Decimal("4.49"), currency="GBP", deep_link="yt://1",
                                web_url="https://youtube.com/1"), VideoQuality.SD, False),
    ]
    for state in session_model.PlaybackState:
        for offer in offers:
            session = session_type(id=uuid.uuid4(), user_id=user_id, device_id=uuid.uuid4(),
                                   title_id=uuid.uuid4(), position_seconds=30,
                                   duration_seconds=5400, state=state, updated_at=NOW,
                                   offer=offer)
            update = playback_events.PlaybackUpdated(session)
            # As `RedisPlaybackPublisher.stage` stages it.
            yield Event(type=update.TYPE, payload=update.payload())


PRODUCED = [*_users(), *_content(), *_playback()]


def _one(stream: str) -> Event:
    return next(event for event in PRODUCED if event.type == stream)


def test_every_stream_in_the_catalogue_has_a_producer_here() -> None:
    assert {event.type for event in PRODUCED} == set(CATALOGUE)


@pytest.mark.parametrize("event", PRODUCED, ids=lambda e: e.type)
def test_what_each_producer_builds_its_contract_accepts(event: Event) -> None:
    contracts.validate(event)


@pytest.mark.parametrize("event", PRODUCED, ids=lambda e: e.type)
def test_the_checked_in_json_schema_accepts_it_too(event: Event) -> None:
    """Consumers outside Python read the artifact: it must agree with the models."""
    document = json.loads((EVENTS_DIR / f"{event.type}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(document["payload"])
    # Ids checked as UUIDs; `date-time` is left to the models (it needs an extra package).
    validator = jsonschema.Draft202012Validator(
        document["payload"], format_checker=jsonschema.FormatChecker(formats=["uuid"]))
    validator.validate(json.loads(json.dumps(event.payload)))


def _with(event: Event, **changes: Any) -> Event:
    payload = {**event.payload, **changes}
    return dataclasses.replace(event, payload={k: v for k, v in payload.items() if v is not ...})


@pytest.mark.parametrize(("stream", "changes", "named"), [
    ("viewing.recorded", {"user_id": ...}, "user_id"),
    ("viewing.recorded", {"progress": "0.5"}, "progress"),
    ("viewing.recorded", {"progress": 1.5}, "progress"),
    ("viewing.recorded", {"rating": 6}, "rating"),
    ("viewing.recorded", {"origin": "elsewhere"}, "origin"),
    ("watchlist.changed", {"action": "toggled"}, "action"),
    ("user.registered", {"home_region": "gb"}, "home_region"),
    ("profile.changed", {"is_kid": "yes"}, "is_kid"),
    ("device.signed_in", {"sign_in_id": "nope"}, "sign_in_id"),
    ("user.erased", {"subgraph": "users"}, "subgraph"),
    ("sync.progress_reported", {"position_seconds": 1.5}, "position_seconds"),
    ("title.upserted", {"title_id": 42}, "title_id"),
    ("title.upserted", {"offers": [{"platform": "netflix"}]}, "offers.0.region"),
    ("title.upserted", {"people": ...}, "people"),
    ("availability.changed", {"offer_type": "SUBSCRIPTION"}, "offer_type"),
    ("playback.updated", {"state": "rewinding"}, "state"),
    ("playback.updated", {"at": "yesterday"}, "at"),
    ("playback.updated", {"colour": "blue"}, "colour"),
])
def test_a_payload_that_breaks_its_contract_is_refused_naming_the_field(
    stream: str, changes: dict[str, Any], named: str
) -> None:
    refusal = rf"{re.escape(stream)} event .* v1: .*{re.escape(named)}"
    with pytest.raises(EventContractError, match=refusal):
        contracts.validate(_with(_one(stream), **changes))


def test_what_json_cannot_carry_and_a_bad_timestamp_are_refused() -> None:
    event = _one("user.deleted")
    with pytest.raises(EventContractError, match=r"user\.deleted event .* not JSON serializable"):
        contracts.validate(_with(event, user_id=uuid.uuid4()))  # a UUID, not its text
    with pytest.raises(EventContractError, match="occurred_at"):
        contracts.validate(dataclasses.replace(event, occurred_at="soon"))


def test_a_stream_without_a_contract_is_refused() -> None:
    with pytest.raises(EventContractError, match=r"no contract for stream 'viewing\.recordd'"):
        contracts.validate(dataclasses.replace(_one("viewing.recorded"), type="viewing.recordd"))


def test_checking_is_off_unless_the_environment_turns_it_on() -> None:
    def checking(value: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "MG_CHECK_EVENTS"}
        if value is not None:
            env["MG_CHECK_EVENTS"] = value
        return subprocess.run(
            [sys.executable, "-c", "from subgraphs.common import contracts as c; "
                                   "print(c.checking)"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()

    assert (checking(None), checking("0"), checking("1")) == ("False", "False", "True")


async def test_the_bus_refuses_a_bad_event_and_sends_none_of_its_batch(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contracts, "checking", True)
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis)
    good, bad = _one("user.deleted"), _with(_one("user.deleted"), user_id="nope")
    try:
        with pytest.raises(EventContractError):
            await bus.publish(bad)
        with pytest.raises(EventContractError):
            await bus.publish_many([good, bad])
        assert await redis.xlen("user.deleted") == 0
        await bus.publish_many([good])
        assert await redis.xlen("user.deleted") == 1

        monkeypatch.setattr(contracts, "checking", False)  # production: nothing is checked
        await bus.publish(dataclasses.replace(bad, type="thing.happened"))
        assert await redis.xlen("thing.happened") == 1
    finally:
        await redis.aclose()


@pytest.fixture
async def outbox_db(database_url: str) -> AsyncIterator[None]:
    await Tortoise.init(db_url=database_url, modules={"models": ["subgraphs.common.outbox"]})
    await Tortoise.generate_schemas()
    yield
    await Tortoise.close_connections()


async def test_the_outbox_refuses_a_bad_event_and_its_write_rolls_back(
    outbox_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contracts, "checking", True)
    good = _one("user.registered")
    with pytest.raises(EventContractError, match="home_region"):
        async with in_transaction() as connection:
            await stage(iter([good, _with(good, home_region=None)]), connection)
    assert await OutboxEvent.all().count() == 0
    async with in_transaction() as connection:
        await stage(iter([good]), connection)  # an iterator, read once, still staged
    assert [row.event_id for row in await OutboxEvent.all()] == [good.id]


def test_the_drift_check_finds_changed_missing_and_orphaned_files(tmp_path: Path) -> None:
    write_event_files(tmp_path)
    assert stale_event_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.json" for n in CATALOGUE)

    edited = tmp_path / "viewing.recorded.json"
    edited.write_text(edited.read_text().replace('"version": 1', '"version": 2'))
    (tmp_path / "user.erased.json").unlink()
    (tmp_path / "thing.happened.json").write_text("{}\n")
    assert stale_event_files(tmp_path) == [
        "viewing.recorded.json", "user.erased.json", "thing.happened.json"]

    write_event_files(tmp_path)  # rewrites what differs, removes the orphan
    assert stale_event_files(tmp_path) == []


def test_a_contract_changed_in_code_is_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_event_files(tmp_path)

    class Louder(contracts.VIEWING_RECORDED.payload):
        volume: int

    monkeypatch.setitem(CATALOGUE, "viewing.recorded",
                        dataclasses.replace(contracts.VIEWING_RECORDED, payload=Louder))
    assert stale_event_files(tmp_path) == ["viewing.recorded.json"]

"""The sync document: devices converge, adds win over concurrent removes, progress by clock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subgraphs.playback.sync.domain.changes import (
    PreferenceChanged,
    ProgressChanged,
    Touched,
    WatchlistAdded,
    WatchlistRemoved,
)
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.doc_schema import InvalidUpdate, Writer
from subgraphs.playback.sync.domain.hlc import Clock, Hlc

TITLES = [str(uuid.UUID(int=i + 1)) for i in range(4)]
ANYONE = Writer("tv", now_ms=10**12, max_drift_ms=60_000)


def test_hlc_orders_by_time_then_counter_then_node() -> None:
    walls = iter([100, 100, 90, 200])
    clock = Clock("phone", wall=lambda: next(walls))
    first, second, third = clock.now(), clock.now(), clock.now()
    assert first < second < third  # a stalled or backwards wall clock still moves forward
    assert third == Hlc(100, 2, "phone")
    clock.observe(Hlc(500, 7, "tv"))
    assert clock.now() == Hlc(500, 8, "phone")
    assert Hlc.decode(Hlc(5, 1, "tv").encode()) == Hlc(5, 1, "tv")
    assert Hlc(5, 1, "a") < Hlc(5, 1, "b")


def test_add_wins_over_a_concurrent_remove() -> None:
    phone, tv = SyncDoc(), SyncDoc()
    title = TITLES[0]
    tv.apply(phone.add_to_watchlist(title, Hlc(1, 0, "phone")).update)
    remove = tv.remove_from_watchlist(title, Hlc(3, 0, "tv")).update
    add_again = phone.add_to_watchlist(title, Hlc(2, 0, "phone")).update
    phone.apply(remove)
    tv.apply(add_again)
    assert phone.view().watchlist == tv.view().watchlist == {title}
    # A remove that saw every add does remove.
    tv.apply(phone.remove_from_watchlist(title, Hlc(4, 0, "phone")).update)
    assert phone.view().watchlist == tv.view().watchlist == frozenset()


def test_progress_is_last_writer_by_clock_not_by_arrival() -> None:
    phone, tv = SyncDoc(), SyncDoc()
    title = TITLES[0]
    late = tv.report_progress(title, 600, 6_000, Hlc(20, 0, "tv")).update
    early = phone.report_progress(title, 300, 6_000, Hlc(10, 0, "phone")).update
    tv.apply(early)
    phone.apply(late)
    for doc in (phone, tv):
        assert doc.view().progress[title].position_seconds == 600
    tie = phone.report_progress(title, 900, 6_000, Hlc(20, 0, "web")).update
    tv.apply(tie)
    assert tv.view().progress[title].device_id == "web"  # same time: the device id decides
    done = tv.report_progress(title, 5_800, 6_000, Hlc(30, 0, "tv")).update
    assert tv.view().progress[title].completed
    assert phone.apply(done).progress == {title}


def test_changes_are_what_the_view_shows_differently() -> None:
    doc = SyncDoc()
    before = doc.view()
    touched = Touched()
    touched.merge(doc.apply(SyncDoc().add_to_watchlist(TITLES[1], Hlc(1, 0, "a")).update))
    touched.merge(doc.apply(SyncDoc().set_preference("subtitles", "de", Hlc(1, 0, "a")).update))
    changes = touched.changes(before, doc.view())
    assert changes[0] == WatchlistAdded(TITLES[1])
    assert isinstance(changes[1], PreferenceChanged) and changes[1].preference.value == "de"
    again = doc.remove_from_watchlist(TITLES[1], Hlc(2, 0, "a")).touched
    assert again.changes(None, doc.view()) == [WatchlistRemoved(TITLES[1])]


@pytest.mark.parametrize(
    "update",
    [b"\x00", b"not an update at all", bytes(range(256))],
)
def test_garbage_is_refused(update: bytes) -> None:
    doc = SyncDoc()
    doc.add_to_watchlist(TITLES[0], Hlc(1, 0, "a"))
    state = doc.diff()
    with pytest.raises(InvalidUpdate):
        doc.check(update, ANYONE)
    assert doc.diff() == state


def test_updates_breaking_the_layout_are_refused() -> None:
    rogue = SyncDoc()
    rogue.maps["progress"][f"{TITLES[0]}|tv"] = {"position": 10, "duration": 5, "hlc": "x"}
    with pytest.raises(InvalidUpdate):
        SyncDoc().check(rogue.diff(), ANYONE)
    rogue = SyncDoc()
    rogue.maps["watchlist_adds"]["not-a-uuid#tag"] = {"hlc": Hlc(1, 0, "a").encode()}
    with pytest.raises(InvalidUpdate):
        SyncDoc().check(rogue.diff(), ANYONE)


def test_an_update_missing_its_causal_past_is_refused() -> None:
    source = SyncDoc()
    source.add_to_watchlist(TITLES[0], Hlc(1, 0, "a"))
    known = source.state_vector()
    source.add_to_watchlist(TITLES[1], Hlc(2, 0, "a"))
    with pytest.raises(InvalidUpdate, match="depends on"):
        SyncDoc().check(source.diff(known), Writer("a", 10**12, 60_000))


# -- three devices editing concurrently, offline for a while, then reconnecting ------------


@dataclass
class Device:
    name: str
    doc: SyncDoc = field(default_factory=SyncDoc)
    online: bool = True
    wall: int = 0

    def __post_init__(self) -> None:
        self.clock = Clock(self.name, wall=lambda: self.wall)


op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), st.sampled_from(TITLES)),
    st.tuples(st.just("remove"), st.integers(0, 2), st.sampled_from(TITLES)),
    st.tuples(st.just("progress"), st.integers(0, 2), st.sampled_from(TITLES),
              st.integers(0, 100)),
    st.tuples(st.just("toggle"), st.integers(0, 2)),
    st.tuples(st.just("tick"), st.integers(0, 2), st.integers(-5, 30)),
)


def _sync(devices: list[Device]) -> None:
    """Every online device exchanges what the other lacks, as the server would relay it."""
    online = [device for device in devices if device.online]
    for a in online:
        for b in online:
            if a is not b:
                b.doc.apply(a.doc.diff(b.doc.state_vector()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=60))
def test_three_devices_converge_and_no_add_is_lost(ops: list[tuple]) -> None:
    devices = [Device("phone"), Device("tv"), Device("web")]
    add_tags: dict[str, str] = {}  # tag -> title
    removed_tags: set[str] = set()
    reports: dict[str, list[Hlc]] = {title: [] for title in TITLES}
    for step in ops:
        kind, index = step[0], step[1]
        device = devices[index]
        if kind == "add":
            tag = uuid.uuid4().hex
            device.doc.add_to_watchlist(step[2], device.clock.now(), tag=tag)
            add_tags[tag] = step[2]
        elif kind == "remove":
            # The tags this device has seen are the ones its remove takes away.
            seen = device.doc._live_tags(step[2])
            device.doc.remove_from_watchlist(step[2], device.clock.now())
            removed_tags.update(seen)
        elif kind == "progress":
            stamp = device.clock.now()
            device.doc.report_progress(step[2], step[3], 100, stamp)
            reports[step[2]].append(stamp)
        elif kind == "toggle":
            device.online = not device.online
        else:
            device.wall = max(0, device.wall + step[2])  # skewed, sometimes stalled clocks
        _sync(devices)
    for device in devices:
        device.online = True
    _sync(devices)

    views = [device.doc.view() for device in devices]
    assert views[0] == views[1] == views[2]
    expected = {title for tag, title in add_tags.items() if tag not in removed_tags}
    assert views[0].watchlist == expected
    for title, stamps in reports.items():
        if stamps:
            assert views[0].progress[title].hlc == max(stamps)
        else:
            assert title not in views[0].progress
    # What a write reads (only its keys) agrees with the whole view.
    for device in devices:
        assert device.doc.view_of(Touched(set(TITLES), set(TITLES))) == views[0]
        assert device.doc.view_of(Touched({TITLES[0]})).watchlist == views[0].watchlist & {
            TITLES[0]}


def test_latest_stamp_kept_by_writes_matches_a_fresh_read() -> None:
    doc, peer = SyncDoc(), SyncDoc()
    assert doc.latest_hlc() is None
    doc.add_to_watchlist(TITLES[0], Hlc(10, 0, "phone"))
    doc.report_progress(TITLES[1], 5, 10, Hlc(30, 0, "phone"))
    doc.set_preference("subtitles", "en", Hlc(20, 0, "phone"))
    doc.remove_from_watchlist(TITLES[2], Hlc(99, 0, "phone"))  # nothing to remove: no stamp
    assert doc.latest_hlc() == Hlc(30, 0, "phone")
    peer.report_progress(TITLES[1], 6, 10, Hlc(50, 0, "tv"))
    doc.merge(peer.diff())
    assert doc.latest_hlc() == Hlc(50, 0, "tv")
    assert doc.latest_hlc() == SyncDoc.from_update(doc.diff()).latest_hlc()


def test_changes_of_an_update_name_progress() -> None:
    doc = SyncDoc()
    touched = doc.apply(SyncDoc().report_progress(TITLES[2], 10, 20, Hlc(1, 0, "tv")).update)
    (change,) = touched.changes(None, doc.view())
    assert isinstance(change, ProgressChanged) and change.progress.fraction == 0.5

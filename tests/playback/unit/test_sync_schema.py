"""The sync document's declared schema: every way a device's raw update could break the sync
rules is refused whole, and honest devices' adds survive a malicious device."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Array, Map, Text

from subgraphs.playback.sync.domain.changes import Checked
from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.doc_schema import ADDS, PROGRESS, REMOVES, InvalidUpdate, Writer
from subgraphs.playback.sync.domain.hlc import Clock, Hlc
from subgraphs.playback.sync.domain.state_vector import is_covered

TITLES = [str(uuid.UUID(int=i + 1)) for i in range(4)]
NOW = 1_800_000_000_000
DRIFT = 300_000


def writer(device: str) -> Writer:
    return Writer(device, NOW, DRIFT)


def accept(server: SyncDoc, update: bytes, device: str) -> Checked:
    """What the sync service does with a device's update once it passes."""
    checked = server.check(update, writer(device))
    if checked.update:
        server.merge(checked.update)
    if checked.new_clients:
        server.claim_clients(checked.new_clients, device)
    return checked


def refused(server: SyncDoc, update: bytes, device: str) -> str:
    state = server.diff()
    with pytest.raises(InvalidUpdate) as caught:
        server.check(update, writer(device))
    assert server.diff() == state  # refused updates change nothing
    assert "<" not in str(caught.value) and "object at" not in str(caught.value)
    return caught.value.reason


def device_copy(server: SyncDoc) -> SyncDoc:
    copy = SyncDoc()
    copy.merge(server.diff())
    return copy


@pytest.fixture
def server() -> SyncDoc:
    """A server document holding the phone's add of TITLES[0], its tombstoned add of TITLES[1]
    and its progress in TITLES[2]."""
    doc = SyncDoc(server=True)
    phone = SyncDoc()
    accept(doc, phone.add_to_watchlist(TITLES[0], Hlc(NOW - 10, 0, "phone")).update, "phone")
    phone.add_to_watchlist(TITLES[1], Hlc(NOW - 9, 0, "phone"))
    accept(doc, phone.diff(doc.state_vector()), "phone")
    accept(doc, phone.remove_from_watchlist(TITLES[1], Hlc(NOW - 8, 0, "phone")).update,
           "phone")
    accept(doc, phone.report_progress(TITLES[2], 3_000, 6_000, Hlc(NOW - 7, 0, "phone")).update,
           "phone")
    return doc


def test_deleting_another_devices_add_is_refused(server: SyncDoc) -> None:
    tv = device_copy(server)
    key = next(k for k in tv.maps[ADDS] if k.startswith(TITLES[0]))
    del tv.maps[ADDS][key]
    assert refused(server, tv.diff(server.state_vector()), "tv") == "MARKER_CHANGED"
    assert TITLES[0] in server.view().watchlist


def test_deleting_or_rewriting_a_removal_marker_is_refused(server: SyncDoc) -> None:
    tv = device_copy(server)
    (tag,) = tv.maps[REMOVES].keys()
    del tv.maps[REMOVES][tag]
    assert refused(server, tv.diff(server.state_vector()), "tv") == "MARKER_CHANGED"
    phone = device_copy(server)  # even its own marker: adds-win rests on markers staying
    phone.maps[REMOVES][tag] = {"title": TITLES[3], "hlc": Hlc(NOW, 0, "phone").encode(),
                                "device": "phone"}
    assert refused(server, phone.diff(server.state_vector()), "phone") == "MARKER_CHANGED"
    assert TITLES[1] not in server.view().watchlist


def test_writing_another_devices_progress_key_is_refused(server: SyncDoc) -> None:
    tv = device_copy(server)
    tv.maps[PROGRESS][f"{TITLES[2]}|phone"] = {
        "position": 10, "duration": 6_000, "hlc": Hlc(NOW, 0, "phone").encode()}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "NOT_OWNER"
    tv = device_copy(server)  # its own key, but stamped with the phone's clock
    tv.maps[PROGRESS][f"{TITLES[2]}|tv"] = {
        "position": 10, "duration": 6_000, "hlc": Hlc(NOW, 0, "phone").encode()}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "NOT_OWNER"
    tv = device_copy(server)
    del tv.maps[PROGRESS][f"{TITLES[2]}|phone"]
    assert refused(server, tv.diff(server.state_vector()), "tv") == "NOT_OWNER"
    assert server.view().progress[TITLES[2]].position_seconds == 3_000


@pytest.mark.parametrize("kind", ["map", "array", "text"])
def test_unknown_roots_are_refused(server: SyncDoc, kind: str) -> None:
    tv = device_copy(server)
    if kind == "map":
        tv.doc.get("junk", type=Map)["x"] = "y" * 10_000
    elif kind == "array":
        tv.doc.get("junk", type=Array).append("y" * 10_000)
    else:
        text = tv.doc.get("junk", type=Text)
        text += "y" * 10_000
    assert refused(server, tv.diff(server.state_vector()), "tv") == "UNKNOWN_ROOT"


def test_values_of_the_wrong_shape_are_refused(server: SyncDoc) -> None:
    tv = device_copy(server)
    tv.maps[PROGRESS][f"{TITLES[3]}|tv"] = Map({"position": 1, "duration": 2})
    assert refused(server, tv.diff(server.state_vector()), "tv") == "BAD_VALUE"
    tv = device_copy(server)
    tv.maps[PROGRESS][f"{TITLES[3]}|tv"] = {
        "position": 1, "duration": 2, "hlc": Hlc(NOW, 0, "tv").encode(), "junk": "x" * 1000}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "BAD_VALUE"
    tv = device_copy(server)  # a marker for a tag no add has
    tv.maps[REMOVES]["nosuchtag"] = {"title": TITLES[0], "hlc": Hlc(NOW, 0, "tv").encode(),
                                     "device": "tv"}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "BAD_VALUE"
    tv = device_copy(server)
    tv.maps["clients"]["1"] = {"device": "tv"}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "NOT_OWNER"


@pytest.mark.parametrize("stamp", [
    # 10889-01-01, and the greatest stamp the format can hold.
    f"{int((10889 - 1970) * 365.2425 * 86_400_000):013x}.0000.tv",
    "fffffffffffff.ffff.tv",
])
def test_clock_stamps_far_ahead_of_the_server_are_refused(server: SyncDoc, stamp: str) -> None:
    tv = device_copy(server)
    tv.maps[PROGRESS][f"{TITLES[3]}|tv"] = {"position": 1, "duration": 2, "hlc": stamp}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "CLOCK_DRIFT"
    tv = device_copy(server)
    tv.maps[ADDS][f"{TITLES[3]}#tag1"] = {"hlc": stamp, "device": "tv"}
    assert refused(server, tv.diff(server.state_vector()), "tv") == "CLOCK_DRIFT"
    # Within the drift (a device clock a little fast) is fine; so is a week behind.
    fine = device_copy(server)
    fine.report_progress(TITLES[3], 1, 2, Hlc(NOW + DRIFT - 1, 0, "tv"))
    fine.set_preference("audio", "de", Hlc(NOW - 7 * 86_400_000, 0, "tv"))
    accept(server, fine.diff(server.state_vector()), "tv")


def test_writing_under_another_devices_client_id_is_refused(server: SyncDoc) -> None:
    phone_client = next(int(c) for c, owner in server.maps["clients"].items()
                        if owner == {"device": "phone"})
    forger = SyncDoc(client_id=phone_client)
    forger.merge(server.diff())
    forger.report_progress(TITLES[3], 1, 2, Hlc(NOW, 0, "tv"))
    assert refused(server, forger.diff(server.state_vector()), "tv") == "FOREIGN_CLIENT"


def _varuint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def test_a_delete_of_changes_not_yet_made_never_reaches_them() -> None:
    """Yjs would keep a delete set naming items it has not seen and apply it when they come:
    a device could delete another's next add before it is made."""
    server, phone, tv = SyncDoc(server=True), SyncDoc(), SyncDoc()
    accept(server, phone.add_to_watchlist(TITLES[0], Hlc(NOW, 0, "phone")).update, "phone")
    tv.merge(server.diff())
    own = tv.report_progress(TITLES[1], 1, 2, Hlc(NOW, 0, "tv")).update
    assert own.endswith(b"\x00")  # no delete set: put one there
    next_clock = server.clock()[phone.doc.client_id]
    forged = own[:-1] + (_varuint(1) + _varuint(phone.doc.client_id) + _varuint(1)
                         + _varuint(next_clock) + _varuint(50))
    accept(server, forged, "tv")
    accept(server, phone.add_to_watchlist(TITLES[2], Hlc(NOW, 1, "phone")).update, "phone")
    assert {TITLES[0], TITLES[2]} <= server.view().watchlist


# -- three honest devices and a malicious fourth --------------------------------------------

HONEST = ("phone", "tv", "web")
honest_op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), st.sampled_from(TITLES)),
    st.tuples(st.just("remove"), st.integers(0, 2), st.sampled_from(TITLES)),
    st.tuples(st.just("progress"), st.integers(0, 2), st.sampled_from(TITLES)),
    st.tuples(st.just("toggle"), st.integers(0, 2)),
)
attack = st.tuples(st.just("attack"), st.sampled_from([
    "delete_add", "delete_marker", "foreign_progress", "future_stamp", "unknown_root",
    "forge_client", "delete_ahead", "own_add",
]), st.integers(0, 2), st.sampled_from(TITLES))


def _attack(server: SyncDoc, kind: str, victim: SyncDoc, title: str) -> bytes:
    # A device learns other client ids only from the server's state vector.
    known = victim.doc.client_id in server.clock()
    evil = SyncDoc(client_id=victim.doc.client_id if kind == "forge_client" and known else None)
    evil.merge(server.diff())
    stamp = Hlc(NOW, 0, "evil")
    if kind == "delete_add" and len(evil.maps[ADDS]):
        del evil.maps[ADDS][next(iter(evil.maps[ADDS].keys()))]
    elif kind == "delete_marker" and len(evil.maps[REMOVES]):
        del evil.maps[REMOVES][next(iter(evil.maps[REMOVES].keys()))]
    elif kind == "foreign_progress":
        evil.maps[PROGRESS][f"{title}|phone"] = {"position": 0, "duration": 1,
                                                 "hlc": Hlc(NOW, 9, "phone").encode()}
    elif kind == "future_stamp":
        evil.report_progress(title, 0, 1, Hlc(0xFFFFFFFFFFFFF, 0xFFFF, "evil"))
    elif kind == "unknown_root":
        evil.doc.get("junk", type=Array).append("x" * 1000)
    elif kind == "delete_ahead":
        own = evil.report_progress(title, 0, 1, stamp).update
        clock = server.clock().get(victim.doc.client_id, 0)
        return own[:-1] + (_varuint(1) + _varuint(victim.doc.client_id) + _varuint(1)
                           + _varuint(clock) + _varuint(100))
    else:  # forge_client, own_add: writes of its own
        evil.add_to_watchlist(title, stamp)
    return evil.diff(server.state_vector())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(honest_op, attack), min_size=1, max_size=40))
def test_a_malicious_device_never_loses_the_honest_devices_adds(ops: list[tuple]) -> None:
    server = SyncDoc(server=True)
    devices = [SyncDoc() for _ in HONEST]
    clocks = [Clock(name, wall=lambda: NOW) for name in HONEST]
    online = [True, True, True]
    adds: dict[str, str] = {}
    removed: set[str] = set()
    reports: dict[str, Hlc] = {}

    def sync(index: int) -> None:
        device, name = devices[index], HONEST[index]
        # Everything the device made is accepted: the schema never refuses an honest device.
        if not is_covered(server.clock(), device.clock()):  # something the server lacks
            accept(server, device.diff(server.state_vector()), name)
        device.merge(server.diff(device.state_vector()))

    for step in ops:
        kind = step[0]
        if kind == "attack":
            update = _attack(server, step[1], devices[step[2]], step[3])
            with contextlib.suppress(InvalidUpdate):
                accept(server, update, "evil")
        else:
            index = step[1]
            device, clock = devices[index], clocks[index]
            if kind == "add":
                tag = uuid.uuid4().hex
                device.add_to_watchlist(step[2], clock.now(), tag=tag)
                adds[tag] = step[2]
            elif kind == "remove":
                removed.update(device._live_tags(step[2]))
                device.remove_from_watchlist(step[2], clock.now())
            elif kind == "progress":
                stamp = clock.now()
                device.report_progress(step[2], 1, 2, stamp)
                reports[f"{step[2]}|{HONEST[index]}"] = stamp
            else:
                online[index] = not online[index]
            if online[index]:
                sync(index)
    for index in range(3):
        sync(index)
    for index in range(3):
        sync(index)
    view = server.view()
    honest_listed = {title for tag, title in adds.items() if tag not in removed}
    assert honest_listed <= view.watchlist
    for key, stamp in reports.items():
        assert server.maps[PROGRESS][key]["hlc"] == stamp.encode()
    assert set(server.doc.keys()) <= {ADDS, REMOVES, PROGRESS, "preferences", "clients"}
    for device in devices:
        assert device.view().watchlist == view.watchlist


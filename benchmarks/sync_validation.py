"""What checking a device's raw sync update against the document's schema costs, per change.

    .venv/bin/python -m benchmarks.sync_validation [--entries 600] [--changes 1000]

One user's server document holds `entries` entries written by three devices (watchlist adds
and removes, progress, preferences). Each of `changes` device changes (the mix of
sync_merge.py) is then taken in as the server takes a raw update, three ways, in the same run:

- merge only: `SyncDoc.merge` (no check at all; the floor);
- before: the check as it was before the declared schema (commit a42e159: layout of the values
  only, on a copy of the document), loaded from git;
- after: `SyncDoc.check` with the schema (roots, shapes, owners, markers, clock drift, client
  ids), the merge of the re-encoded update and the claim of a new client id.

Prints p50/p95 per change in microseconds. No database: what is measured is the part of a
write the schema adds (a write through the router costs ~20 ms, see RESULTS.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

from subgraphs.playback.sync.domain.changes import Touched  # noqa: E402
from subgraphs.playback.sync.domain.doc import SyncDoc  # noqa: E402
from subgraphs.playback.sync.domain.doc_schema import Writer  # noqa: E402
from subgraphs.playback.sync.domain.hlc import Clock  # noqa: E402

BEFORE = "a42e159"
DEVICES = ("phone", "tv", "web")
NOW = 1_800_000_000_000


def _before_module() -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:subgraphs/playback/domain/sync.py"], cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "sync_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("sync_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sync_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _Device:
    def __init__(self, name: str, rng: random.Random, titles: list[str]) -> None:
        self.name, self.rng, self.titles = name, rng, titles
        self.doc = SyncDoc()
        self.clock = Clock(name, wall=lambda: NOW)

    def change(self) -> None:
        doc, rng, title = self.doc, self.rng, self.rng.choice(self.titles)
        roll = rng.random()
        listed = title in doc.view_of(Touched(watchlist={title})).watchlist
        if 0.40 <= roll < 0.75 and not listed:
            doc.add_to_watchlist(title, self.clock.now())
        elif 0.75 <= roll < 0.90 and listed:
            doc.remove_from_watchlist(title, self.clock.now())
        elif roll < 0.90:
            doc.report_progress(title, rng.randint(0, 5_400), 5_400, self.clock.now())
        else:
            doc.set_preference(rng.choice(["audio", "subtitles", "quality"]),
                               rng.choice(["en", "de", "fr", "auto"]), self.clock.now())


def _history(entries: int, changes: int, seed: int = 7) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The server's state after `entries` changes, and `changes` device updates to take next
    (each relative to what the server then has)."""
    rng = random.Random(seed)
    titles = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(400)]
    server = SyncDoc(server=True)
    devices = [_Device(name, rng, titles) for name in DEVICES]

    def step(device: _Device) -> bytes:
        device.doc.merge(server.diff(device.doc.state_vector()))
        before = server.state_vector()
        device.change()
        update = device.doc.diff(before)
        checked = server.check(update, Writer(device.name, NOW, 300_000))
        server.merge(checked.update)
        if checked.new_clients:
            server.claim_clients(checked.new_clients, device.name)
        return update

    for n in range(entries):
        step(devices[n % 3])
    start = server.diff()
    pending = [(devices[n % 3].name, step(devices[n % 3])) for n in range(changes)]
    return start, pending


def _time(start: bytes, pending: list[tuple[str, bytes]],
          take: Callable[[object, str, bytes], None], make: Callable[[], object]) -> list[float]:
    doc = make()
    doc.merge(start)  # type: ignore[attr-defined]
    out = []
    for device, update in pending:
        t0 = time.perf_counter()
        take(doc, device, update)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=600)
    parser.add_argument("--changes", type=int, default=1_000)
    args = parser.parse_args()
    old = _before_module()
    start, pending = _history(args.entries, args.changes)

    def merge_only(doc: object, device: str, update: bytes) -> None:
        doc.merge(update)  # type: ignore[attr-defined]

    def before(doc: object, device: str, update: bytes) -> None:
        doc.check(update)  # type: ignore[attr-defined]
        doc.merge(update)  # type: ignore[attr-defined]

    def after(doc: object, device: str, update: bytes) -> None:
        checked = doc.check(update, Writer(device, NOW, 300_000))  # type: ignore[attr-defined]
        doc.merge(checked.update)  # type: ignore[attr-defined]
        if checked.new_clients:
            doc.claim_clients(checked.new_clients, device)  # type: ignore[attr-defined]

    cases = [("merge only", merge_only, SyncDoc), ("before (a42e159)", before, old.SyncDoc),
             ("after (schema)", after, lambda: SyncDoc(server=True))]
    print(f"document of {len(start):,} bytes ({args.entries} changes), "
          f"{args.changes} device changes each way")
    for _ in range(2):  # the first round warms up; the second is reported
        results = {name: _time(start, pending, take, make) for name, take, make in cases}
    for name, timings in results.items():
        cuts = statistics.quantiles(timings, n=100)
        print(f"{name:18} p50 {cuts[49] * 1e6:8.1f} us   p95 {cuts[94] * 1e6:8.1f} us")


if __name__ == "__main__":
    main()

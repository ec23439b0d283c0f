"""CRDT merge throughput of the sync document (pure pycrdt, no server).

    .venv/bin/python benchmarks/sync_merge.py [--ops 30000]

Three devices make `ops` edits between them while offline (a mix like real use: 40 % progress
reports, 35 % watchlist adds, 15 % removes, 10 % preferences), one update per edit. Then a
fourth document merges them: one update at a time (a server relaying live edits) and as one
merged update per device (a device reconnecting). Prints operations/s and the per-update merge
time p50/p95. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from pycrdt import merge_updates

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from subgraphs.playback.domain.hlc import Clock
from subgraphs.playback.domain.sync import SyncDoc


def _edits(ops: int, seed: int = 7) -> list[list[bytes]]:
    rng = random.Random(seed)
    titles = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(500)]
    devices = [(SyncDoc(), Clock(name)) for name in ("phone", "tv", "web")]
    listed: list[set[str]] = [set(), set(), set()]  # what each device shows, as its UI would
    updates: list[list[bytes]] = [[], [], []]
    for n in range(ops):
        index = n % 3
        doc, clock = devices[index]
        title = rng.choice(titles)
        roll = rng.random()
        if roll < 0.40:
            change = doc.report_progress(title, rng.randint(0, 5_400), 5_400, clock.now())
        elif roll < 0.75 and title not in listed[index]:
            change = doc.add_to_watchlist(title, clock.now())
            listed[index].add(title)
        elif roll < 0.90 and title in listed[index]:
            change = doc.remove_from_watchlist(title, clock.now())
            listed[index].discard(title)
        elif roll < 0.90:
            change = doc.report_progress(title, rng.randint(0, 5_400), 5_400, clock.now())
        else:
            change = doc.set_preference(rng.choice(["audio", "subtitles", "quality"]),
                                        rng.choice(["en", "de", "fr", "auto"]), clock.now())
        updates[index].append(change.update)
    return updates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=30_000)
    args = parser.parse_args()
    print(f"generating {args.ops} edits on three offline devices...", file=sys.stderr)
    per_device = _edits(args.ops)
    total = sum(len(updates) for updates in per_device)

    one_by_one = SyncDoc()
    timings = []
    started = time.perf_counter()
    for updates in per_device:
        for update in updates:
            t0 = time.perf_counter()
            one_by_one.merge(update)
            timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(timings, n=100)
    print(f"merge one update at a time: {total / elapsed:,.0f} ops/s "
          f"(per update p50 {cuts[49] * 1e6:.1f} us, p95 {cuts[94] * 1e6:.1f} us)")

    started = time.perf_counter()
    batches = [merge_updates(*updates) for updates in per_device]
    squashed = time.perf_counter() - started
    reconnect = SyncDoc()
    started = time.perf_counter()
    for batch in batches:
        reconnect.merge(batch)
    elapsed = time.perf_counter() - started
    print(f"merge one squashed update per device: {total / elapsed:,.0f} ops/s "
          f"({total / (elapsed + squashed):,.0f} ops/s including squashing on the devices)")

    started = time.perf_counter()
    view = reconnect.view()
    print(f"view of the merged document: {(time.perf_counter() - started) * 1000:.1f} ms "
          f"({len(view.watchlist)} on the watchlist, {len(view.progress)} progress entries)")
    assert one_by_one.view() == view, "both merges must converge"


if __name__ == "__main__":
    main()

"""CRDT merge throughput of the sync document (pure pycrdt, no server).

    .venv/bin/python -m benchmarks.sync_merge [--users 100] [--ops 1000]

For each of `users` users, three devices make `ops` edits between them while offline (a mix
like real use: 40 % progress reports, 35 % watchlist adds, 15 % removes, 10 % preferences), one
update per edit. Then a fourth document merges them: one update at a time (a server relaying
live edits) and as one merged update per device (a device reconnecting). Prints operations/s
and the per-update merge
time p50/p95. A server merges into per-user documents, so that is what is measured; one huge
document is slower per update (yrs' cost grows with the document). Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid

from pycrdt import merge_updates

from subgraphs.playback.sync.domain.doc import SyncDoc
from subgraphs.playback.sync.domain.hlc import Clock


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
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--ops", type=int, default=1_000, help="edits per user")
    args = parser.parse_args()
    print(f"generating {args.ops} edits for each of {args.users} users' three offline "
          "devices...", file=sys.stderr)
    users = [_edits(args.ops, seed=n) for n in range(args.users)]
    total = sum(len(updates) for per_device in users for updates in per_device)

    timings = []
    merged = []
    started = time.perf_counter()
    for per_device in users:
        server = SyncDoc()
        for updates in per_device:
            for update in updates:
                t0 = time.perf_counter()
                server.merge(update)
                timings.append(time.perf_counter() - t0)
        merged.append(server)
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(timings, n=100)
    print(f"{total:,} ops, one update at a time into each user's document: "
          f"{total / elapsed:,.0f} ops/s (per update p50 {cuts[49] * 1e6:.1f} us, "
          f"p95 {cuts[94] * 1e6:.1f} us)")

    started = time.perf_counter()
    batches = [[merge_updates(*updates) for updates in per_device] for per_device in users]
    squashing = time.perf_counter() - started
    reconnected = []
    started = time.perf_counter()
    for per_device in batches:
        reconnect = SyncDoc()
        for batch in per_device:
            reconnect.merge(batch)
        reconnected.append(reconnect)
    elapsed = time.perf_counter() - started
    for n, reconnect in enumerate(reconnected):
        assert reconnect.view() == merged[n].view(), "both merges must converge"
    print(f"one squashed update per device (reconnecting after being offline): "
          f"{total / elapsed:,.0f} ops/s "
          f"({total / (elapsed + squashing):,.0f} ops/s counting the squashing)")


if __name__ == "__main__":
    main()

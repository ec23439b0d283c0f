"""Title graph on the MovieLens catalog: build time, edges, neighbour look-up p50/p95.

    .venv/bin/python -m benchmarks.graph_bench [--lookups 200]

Loads the demo catalog through the ingestion pipeline into a scratch SQLite database (graph off),
then times `rebuild_content_edges()` and two-hop `neighbours()` for random titles, and prints
the top neighbours of a few well-known films. Co-watching edges are not included (they come
from viewing events at run time). Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time

from mediagateway.demo.content import GENRE_NAMES, PLATFORMS
from mediagateway.demo.feed import MovieLensFeed
from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.content.adapters.orm import TitleEdgeRow, TitleRow
from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
from subgraphs.content.catalog.domain.titles import display_title
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.ingest import IngestPipeline, ensure_vocabulary
from subgraphs.content.search.domain.title_lookup import TitleLookup

EXAMPLES = ("Star Wars", "Toy Story", "The Godfather", "Die Hard", "Heat")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite://{directory}/graph.sqlite3"
        await migrate("content", url)
        await open_database(url, "subgraphs.content.adapters.orm")
        try:
            await ensure_vocabulary(GENRE_NAMES, PLATFORMS)
            feed = MovieLensFeed()
            await IngestPipeline().run(feed.name, feed.items(), progress=False)
            graph = TitleGraph()
            started = time.perf_counter()
            edges = await graph.rebuild_content_edges()
            print(f"rebuild_content_edges: {edges} edges for {await TitleRow.all().count()} "
                  f"titles in {time.perf_counter() - started:.2f} s "
                  f"({await TitleEdgeRow.all().count()} rows)")
            ids = await TitleRow.all().values_list("id", flat=True)
            rng = random.Random(7)
            timings, sizes = [], []
            for title_id in rng.sample(list(ids), min(args.lookups, len(ids))):
                start = time.perf_counter()
                found = await graph.neighbours([title_id])
                timings.append((time.perf_counter() - start) * 1000)
                sizes.append(len(found))
            timings.sort()
            print(f"neighbours (2 hops, limit 200) over {len(timings)} titles: "
                  f"p50 {statistics.median(timings):.1f} ms, "
                  f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms; "
                  f"median {statistics.median(sizes):.0f} titles reached")
            names = dict(await TitleRow.all().values_list("id", "title"))
            # Names become ids as search finds them: its typo-tolerant title lookup.
            lookup = TitleLookup([(n.id, display_title(n.title), n.year, n.popularity)
                                  for n in await TortoiseContentRepository().title_names()])
            for example in EXAMPLES:
                match = lookup.best(example)
                if match is None:
                    print(f"  {example}: not in the catalog")
                    continue
                title_id = match.id
                best = list((await graph.neighbours([title_id])).items())[:5]
                print(f"  {example}: " + "; ".join(f"{names[t]} {s:.2f}" for t, s in best))
        finally:
            await close_database()


if __name__ == "__main__":
    asyncio.run(main())

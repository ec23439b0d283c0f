"""Latency of `titles` under each sort, through the router, beside the default `titles(first: 20)`
in the same run (issue 12: target p95 <= 50 ms at 1 client).

    .venv/bin/python -m benchmarks.catalog_sorts [--requests 200]

Starts its own stack on the seeded demo catalog (router request deduplication off, so every
request does the work), waits for the seeded viewings to be absorbed (trending), then prints
p50/p95 and requests/s at 1 client for each case, a first page and a page deep in the list
(resumed from a cursor). Record results in RESULTS.md with `uptime`: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
from pathlib import Path

import httpx

from benchmarks.latency import _login, _measure
from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack, running_stack

DEFAULT = "{ titles(first: 20) { totalCount edges { node { id title } } } }"
SORTED = """query($sort: TitleSort!, $filter: TitleFilter, $after: String) {
  titles(first: 20, sortBy: $sort, filter: $filter, after: $after) {
    totalCount pageInfo { endCursor } edges { node { id title } } } }"""
SORTS = ["POPULARITY", "RELEASE_DATE", "RATING", "TITLE", "TRENDING", "PRICE"]


def _deep_cursor(router_url: str, variables: dict, headers: dict[str, str]) -> str:
    """The cursor after the 200th title: a page resumed there is what paging costs."""
    result = httpx.post(router_url, headers=headers, timeout=30, json={
        "query": SORTED.replace("first: 20", "first: 100"), "variables": variables}).json()
    cursor = result["data"]["titles"]["pageInfo"]["endCursor"]
    result = httpx.post(router_url, headers=headers, timeout=30, json={
        "query": SORTED.replace("first: 20", "first: 100"),
        "variables": {**variables, "after": cursor}}).json()
    return result["data"]["titles"]["pageInfo"]["endCursor"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = MovieLens()
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-bench-sorts-")),
        router_env={"ROUTER_DEDUPE": "0"},
    )
    with running_stack(stack):
        wait_for_consumers(stack.env["REDIS_URL"])
        token = _login(stack.router_url, data.users[0].email)
        auth = {"authorization": f"Bearer {token}"}
        cases: list[tuple[str, dict, dict[str, str]]] = [
            ("titles(first: 20), default", {"query": DEFAULT}, {})]
        for sort in SORTS:
            region = {"region": "US"} if sort == "PRICE" else None
            variables: dict = {"sort": sort, "filter": region}
            cases.append((f"sortBy: {sort}", {"query": SORTED, "variables": variables}, {}))
            deep = {**variables, "after": _deep_cursor(stack.router_url, variables, {})}
            cases.append((f"sortBy: {sort}, after 200", {"query": SORTED, "variables": deep}, {}))
        cases.append(("onlyMySubscriptions, TITLE", {"query": SORTED, "variables": {
            "sort": "TITLE", "filter": {"onlyMySubscriptions": True}}}, auth))
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        print(f"{'case':32} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, body, headers in cases:
            p50, p95, rps = asyncio.run(
                _measure(stack.router_url, body, headers, args.requests, 1))
            print(f"{name:32} {1:>7} {p50:>8.1f} {p95:>8.1f} {rps:>8.0f}", flush=True)
        print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()

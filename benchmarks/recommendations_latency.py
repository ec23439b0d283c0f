"""Recommendations through the router on the seeded demo, once the first model is served.

    .venv/bin/python -m benchmarks.recommendations_latency [--requests 300]

Starts its own stack (MovieLens-100K seeded, router deduplication off), waits for the worker's
first model, then prints p50/p95 and requests/s at 1 and 16 clients for:
- `me { recommendations(first: 10) { ... reason because } }` through the router, beside the
  baseline `me { id }` (users alone) in the same run;
- the recommendations fetch of the four-subgraph query, straight to the subgraph;
- `recordViewing`-free feedback: `recommendationFeedback` (stores it, updates the adapter);
- recommendations while the worker rebuilds the model (1 client);
- search signed in (with the personal part from recommendations) against anonymous.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.latency import RECOMMENDATIONS_PART, _login, _measure, _wait_for_consumers
from mediagateway.movielens import MovieLens
from mediagateway.stack import Stack, running_stack
from subgraphs.common.auth import CLAIMS_HEADER, SECRET_HEADER, encode_claims

RECOMMEND = """{ me { recommendations(first: 10) {
  edges { node { title { id } score reason reasonKind because { id } } } } } }"""
ME = "{ me { id } }"
FEEDBACK = """mutation($t: ID!) { recommendationFeedback(titleId: $t, signal: LIKE) { signal } }"""
SEARCH = """query($q: String!) { search(query: $q, first: 20, filter: {region: "US"}) {
  missingParts edges { node { score parts { personal } title { id } } } } }"""


def _wait_for_model(stack: Stack, timeout: float = 300) -> str:
    url = stack.subgraph_url("recommendations").replace("/graphql", "/model")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = httpx.get(url).json().get("version")
        if version:
            return str(version)
        time.sleep(0.5)
    raise RuntimeError("no model was served")


def _row(name: str, clients: int, figures: tuple[float, float, float]) -> None:
    p50, p95, rps = figures
    print(f"{name:48} {clients:>7} {p50:>8.1f} {p95:>8.1f} {rps:>8.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    data = MovieLens()
    stack = Stack.on_free_ports(
        Path(tempfile.mkdtemp(prefix="mg-rec-latency-")),
        router_env={"ROUTER_DEDUPE": "0"},
    )
    stack.env["MG_RECOMMENDATIONS_RETRAIN_SECONDS"] = "3600"
    with running_stack(stack):
        _wait_for_consumers(stack.env["REDIS_URL"])
        version = _wait_for_model(stack)
        print(f"model {version} served")
        token = _login(stack.router_url, data.users[0].email)
        auth = {"authorization": f"Bearer {token}"}
        claims = __import__("jwt").decode(token, options={"verify_signature": False})
        forwarded = {SECRET_HEADER: stack.env["MG_ROUTER_SECRET"],
                     CLAIMS_HEADER: encode_claims(claims)}
        user = [{"__typename": "User", "id": claims["sub"]}]
        cases = [
            ("baseline: me { id } via router", stack.router_url, {"query": ME}, auth),
            ("recommendations(first: 10) via router", stack.router_url, {"query": RECOMMEND},
             auth),
            ("  part: recommendations(first: 5) direct", stack.subgraph_url("recommendations"),
             {"query": RECOMMENDATIONS_PART, "variables": {"r": user}}, forwarded),
            ("recommendationFeedback via router", stack.router_url,
             {"query": FEEDBACK, "variables": {"t": str(data.items[500].id)}}, auth),
            ("search 'space adventure', anonymous", stack.router_url,
             {"query": SEARCH, "variables": {"q": "space adventure"}}, {}),
            ("search 'space adventure', signed in (personal)", stack.router_url,
             {"query": SEARCH, "variables": {"q": "space adventure"}}, auth),
        ]
        print(f"{'case':48} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
        for name, url, body, headers in cases:
            for clients in (1, 16):
                _row(name, clients, asyncio.run(_measure(url, body, headers, args.requests,
                                                         clients)))
        signed = httpx.post(stack.router_url, json=cases[-1][2], headers=auth).json()
        print("signed-in search missingParts:", signed["data"]["search"]["missingParts"])

        rebuilding = threading.Event()

        def rebuild() -> None:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "subgraphs.recommendations.train"],
                           env=stack.env, check=True, capture_output=True)
            print(f"rebuild on the demo data: {time.perf_counter() - started:.1f} s (worker "
                  "process, start-up included)", flush=True)
            rebuilding.set()

        worker = threading.Thread(target=rebuild)
        worker.start()
        figures = asyncio.run(_measure(stack.router_url, {"query": RECOMMEND}, auth,
                                       args.requests, 1))
        _row("recommendations via router, during a rebuild", 1, figures)
        worker.join()
        _wait_for_model(stack)


if __name__ == "__main__":
    main()

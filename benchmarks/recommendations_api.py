"""The quality protocol end to end, through the router, against the offline model.

    .venv/bin/python -m benchmarks.recommendations_api [--users N]

A fresh stack (catalog and accounts seeded, no viewing history) gets MovieLens-100K's training
split of the test protocol (benchmarks/recommendations/protocol.py) as `recordViewing`
mutations through the router, each user's in time order. The worker command rebuilds the
model; then each user's scores for the held-out title and its 99 negatives (5 seeds) are read
with `personalScores`, and their top 20 with `recommendations(first: 20, diversity: 0)`, all
through the router. The same figures from the offline model print beside them.

Tokens are minted with the users subgraph's own signing key (logins are rate-limited per
address, 10 a minute, which would make 943 sign-ins take an hour and a half).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np
from tqdm import tqdm

from benchmarks.recommendations import protocol, sona
from mediagateway.demo.devices import wait_for_consumers
from mediagateway.movielens import MovieLens, MovieLensUser
from mediagateway.stack import Stack, running_stack
from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import database_url_for
from subgraphs.users.adapters.keys import load_signing_keys
from subgraphs.users.tokens import TokenIssuer

RECORD = "r{n}: recordViewing(input: {{titleId: \"{title}\", progress: 1.0, rating: {rating}, " \
         "completed: true}}) {{ id }}"
SCORES = """query($t: [ID!]!) { me { personalScores(titleIds: $t) { title { id } score } } }"""
TOP = """{ me { recommendations(first: 20, diversity: 0) { edges { node { title { id } } } } } }"""
BATCH = 25  # the router allows 30 aliases a document
CONCURRENCY = 8
# Users commits viewings one at a time: more batches in flight only queue, past the router's
# 5 s subgraph timeout on a loaded machine.
WRITERS = 2


async def _tokens(env: dict[str, str], users: Sequence[MovieLensUser]) -> dict[int, str]:
    await open_database(database_url_for("users", env), "subgraphs.users.adapters.orm")
    try:
        issuer = TokenIssuer((await load_signing_keys())[0], ttl_seconds=6 * 3600)
        return {u.user_id: issuer.issue(u.id).token for u in users}
    finally:
        await close_database()


async def _send_history(router: str, tokens: dict[int, str], split: protocol.Split) -> float:
    started = time.perf_counter()
    gate = asyncio.Semaphore(WRITERS)
    total = sum(len(seq) for seq in split.train)
    bar = tqdm(total=total, desc="recordViewing via router", unit="event")
    async with httpx.AsyncClient(timeout=60) as client:
        async def one_user(key: int, seq: list[tuple[int, int, float]]) -> None:
            async with gate:
                headers = {"authorization": f"Bearer {tokens[key]}"}
                for start in range(0, len(seq), BATCH):
                    chunk = seq[start:start + BATCH]
                    fields = " ".join(RECORD.format(n=n, title=split.item_ids[i], rating=r)
                                      for n, (i, r, _) in enumerate(chunk))
                    answer = (await client.post(router, json={"query": f"mutation {{ {fields} }}"},
                                                headers=headers)).json()
                    assert "errors" not in answer, answer["errors"][:1]
                    bar.update(len(chunk))

        await asyncio.gather(*(one_user(k, s) for k, s in
                               zip(split.user_keys, split.train, strict=True)))
    bar.close()
    return time.perf_counter() - started


async def _read_back(router: str, tokens: dict[int, str], split: protocol.Split
                     ) -> tuple[np.ndarray, list[list[str]]]:
    """Scores over (target + negatives of every seed) per user, and each user's top 20."""
    scores = np.full((split.n_users, split.n_items), -np.inf)
    tops: list[list[str]] = [[] for _ in range(split.n_users)]
    index = {str(t): i for i, t in enumerate(split.item_ids)}
    gate = asyncio.Semaphore(CONCURRENCY)
    bar = tqdm(total=split.n_users, desc="scores and top 20 via router", unit="user")
    async with httpx.AsyncClient(timeout=60) as client:
        async def one_user(u: int, key: int) -> None:
            async with gate:
                headers = {"authorization": f"Bearer {tokens[key]}"}
                wanted = {int(split.target[u])} | {int(i) for s in protocol.SEEDS
                                                   for i in split.negatives[s][u]}
                ids = [str(split.item_ids[i]) for i in sorted(wanted)]
                for start in range(0, len(ids), 100):
                    answer = (await client.post(router, headers=headers, json={
                        "query": SCORES, "variables": {"t": ids[start:start + 100]}})).json()
                    assert "errors" not in answer, answer["errors"][:1]
                    for item in answer["data"]["me"]["personalScores"]:
                        scores[u, index[item["title"]["id"]]] = item["score"]
                answer = (await client.post(router, headers=headers, json={"query": TOP})).json()
                assert "errors" not in answer, answer["errors"][:1]
                tops[u] = [e["node"]["title"]["id"] for e in
                           answer["data"]["me"]["recommendations"]["edges"]]
                bar.update(1)

        await asyncio.gather(*(one_user(u, k) for u, k in enumerate(split.user_keys)))
    bar.close()
    return scores, tops


def _metrics(split: protocol.Split, scores: np.ndarray, tops: list[list[str]]) -> dict[str, float]:
    users = np.arange(split.n_users)
    positive = scores[users, split.target][:, None]
    hr, ndcg = [], []
    for seed in protocol.SEEDS:
        negative = scores[users[:, None], split.negatives[seed]]
        ranks = np.floor((negative > positive).sum(1) + 0.5 * (negative == positive).sum(1))
        hr.append(float((ranks < 10).mean()))
        ndcg.append(float(np.where(ranks < 10, 1 / np.log2(ranks + 2), 0).mean()))
    targets = [str(split.item_ids[i]) for i in split.target]
    hits = [top.index(t) if t in top else None for top, t in zip(tops, targets, strict=True)]
    return {"HR@10": float(np.mean(hr)), "NDCG@10": float(np.mean(ndcg)),
            "Recall@20": sum(h is not None for h in hits) / len(hits),
            "NDCG@20": sum(1 / np.log2(h + 2) for h in hits if h is not None) / len(hits)}


def _offline(split: protocol.Split) -> dict[str, float]:
    # As served: the API stores each viewing at the moment it arrived, so time is flattened
    # to one second a step (the order is what the protocol fixes).
    flat = protocol.Split(split.name, split.items, split.item_ids, split.user_keys,
                          [[(i, r, 1.9e9 + n) for n, (i, r, _) in enumerate(seq)]
                           for seq in split.train], split.target, split.negatives)
    return protocol.evaluate(flat, sona.scores(flat, sona.build(flat)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    data = MovieLens()
    split = protocol.load_split("test", data)
    offline = _offline(split)
    with tempfile.TemporaryDirectory(prefix="mg-rec-api-") as tmp:
        # Quality, not latency, is measured here: a write stalled behind the machine's other
        # work must not be cut off by the router's 5 s subgraph timeout (it may have run, and
        # cannot be retried without counting twice).
        env = {**os.environ, "MG_SEED_HISTORY": "0", "MG_RECOMMENDATIONS_RETRAIN_SECONDS": "0",
               "ROUTER_UPSTREAM_TIMEOUT_MS": "60000"}
        env.pop("MG_DATA_DIR", None)
        stack = Stack(data_dir=Path(tmp), env=env)
        with running_stack(stack):
            wait_for_consumers(stack.env["REDIS_URL"])
            tokens = asyncio.run(_tokens(stack.env, data.users))
            sent = asyncio.run(_send_history(stack.router_url, tokens, split))
            print(f"sent {sum(map(len, split.train))} viewings in {sent:.0f} s", flush=True)
            wait_for_consumers(stack.env["REDIS_URL"])
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "subgraphs.recommendations.train"],
                           env=stack.env, check=True)
            model_url = stack.subgraph_url("recommendations").replace("/graphql", "/model")
            while httpx.get(model_url).json().get("version") is None:
                time.sleep(0.2)
            print(f"model rebuilt and loaded in {time.perf_counter() - started:.1f} s")
            scores, tops = asyncio.run(_read_back(stack.router_url, tokens, split))
    served = _metrics(split, scores, tops)
    print("| | HR@10 | NDCG@10 | Recall@20 | NDCG@20 |")
    print("|---|---|---|---|---|")
    for name, m in (("offline model", offline), ("served, through the router", served)):
        print(f"| {name} | " + " | ".join(f"{m[k]:.4f}" for k in
                                          ("HR@10", "NDCG@10", "Recall@20", "NDCG@20")) + " |")
    worst = max(abs(offline[k] - served[k]) for k in served)
    print(f"largest difference: {worst:.4f} (target ≤ 0.01)")


if __name__ == "__main__":
    main()

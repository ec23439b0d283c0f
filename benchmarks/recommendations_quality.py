"""Recommendation quality on MovieLens-100K (He et al. 2017), SONA against published baselines.

    .venv/bin/python -m benchmarks.recommendations_quality [--split test|validation] [--tune]

Prints, for ItemPop, item-kNN (k=50), EASE (λ=300), iALS and SONA: HR@10 and NDCG@10 against
99 sampled negatives (5 seeds), full-ranking Recall@20 and NDCG@20, and catalog coverage of the
top-10 lists. `--tune` searches SONA's parameters on the validation split only (each user's
second-latest interaction held out, trained without it or the test item) and prints the best.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import replace

from benchmarks.recommendations import protocol, sona
from subgraphs.recommendations.domain.engine.params import Params, PartWeights


def _row(name: str, metrics: dict[str, float], seconds: float) -> str:
    cells = " | ".join(f"{metrics[k]:.4f}" for k in
                       ("HR@10", "NDCG@10", "Recall@20", "NDCG@20", "coverage@10"))
    return f"| {name} | {cells} | {seconds:.1f} |"


def compare(split_name: str) -> None:
    split = protocol.load_split(split_name)
    print(f"MovieLens-100K, {split_name} split: {split.n_users} users, {split.n_items} titles")
    print("| model | HR@10 | NDCG@10 | Recall@20 | NDCG@20 | coverage@10 | seconds |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for name, scorer in protocol.baselines().items():
        started = time.perf_counter()
        results[name] = protocol.evaluate(split, scorer(split))
        print(_row(name, results[name], time.perf_counter() - started), flush=True)
    started = time.perf_counter()
    model = sona.build(split)
    built = time.perf_counter() - started
    metrics = protocol.evaluate(split, sona.scores(split, model))
    print(_row(f"SONA (build {built:.1f} s)", metrics, time.perf_counter() - started))
    ease = results["EASE (λ=300)"]["Recall@20"]
    print(f"SONA Recall@20 / EASE's: {metrics['Recall@20'] / ease:.3f} (target ≥ 1.15); "
          f"targets HR@10 ≥ 0.75, NDCG@10 ≥ 0.48")


def tune() -> None:
    split = protocol.load_split("validation")
    best: tuple[float, Params] | None = None
    base = Params()
    # Structure first (tau, transitions), with a fixed mix; then the mix and the adapter.
    for tau, gamma, last_k in itertools.product((5.0, 10.0, 20.0), (0.5, 0.7), (3, 5)):
        params = replace(base, recency_tau=tau, window_gamma=gamma, last_k=last_k)
        best = _try(split, params, best)
    assert best is not None
    base = best[1]
    for c, g, t, x in itertools.product((0.35, 0.5), (0.2, 0.3, 0.45), (0.0, 0.1, 0.25),
                                        (0.0, 0.1, 0.2)):
        best = _try(split, replace(base, weights=PartWeights(c, t, g, x)), best)
    base = best[1]
    for weight in (0.0, 0.25, 0.5, 1.0):
        best = _try(split, replace(base, adapter_weight=weight), best)
    print("best on validation:", best[1])


def _try(split: protocol.Split, params: Params, best: tuple[float, Params] | None
         ) -> tuple[float, Params]:
    metrics = protocol.evaluate(split, sona.scores(split, sona.build(split, params)))
    objective = metrics["HR@10"] + metrics["NDCG@10"]
    print(f"{objective:.4f} HR {metrics['HR@10']:.4f} NDCG {metrics['NDCG@10']:.4f} "
          f"R@20 {metrics['Recall@20']:.4f} {params}", flush=True)
    return (objective, params) if best is None or objective > best[0] else best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "validation"), default="test")
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    tune() if args.tune else compare(args.split)


if __name__ == "__main__":
    main()

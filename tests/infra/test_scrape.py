"""A real Prometheus scrapes the running stack: every service's expected series are there."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from mediagateway.movielens import MovieLens
from mediagateway.redis_server import free_port
from mediagateway.stack import Stack
from tests.support.stack import Router

PROMETHEUS = shutil.which("prometheus")
pytestmark = pytest.mark.skipif(
    PROMETHEUS is None,
    reason="the Prometheus server is missing (Debian package `prometheus`; scripts/test "
           "installs it when absent, so CI runs this)")

# What each job must show once it has served a request (subgraphs/common/metrics.py; the
# router's from its prometheus plugin).
EXPECTED = {
    "router": ["graphql_envelop_phase_execute_count"],
    "content": ["mg_request_duration_seconds_count", "mg_event_consumer_lag"],
    "users": ["mg_request_duration_seconds_count", "mg_event_consumer_lag"],
    "recommendations": ["mg_request_duration_seconds_count", "mg_event_consumer_lag"],
    "playback": ["mg_request_duration_seconds_count", "mg_event_consumer_lag"],
}


@pytest.fixture
def prometheus(stack: Stack, tmp_path: Path) -> Iterator[str]:
    jobs = [{"job_name": "router", "static_configs": [
        {"targets": [f"127.0.0.1:{stack.router_port}"]}]}]
    jobs += [{"job_name": name, "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
             for name, port in stack.subgraph_ports.items()]
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump({"global": {"scrape_interval": "1s"},
                                      "scrape_configs": jobs}))
    port = free_port()
    assert PROMETHEUS is not None
    process = subprocess.Popen(
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _series(prometheus: str, job: str, name: str) -> list[dict]:
    try:
        answer = httpx.get(f"{prometheus}/api/v1/query",
                           params={"query": f'{name}{{job="{job}"}}'}, timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return []  # not up yet: refused, or "Service Unavailable" while it starts
    return answer.get("data", {}).get("result", [])


def test_prometheus_scrapes_every_service(prometheus: str, router: Router) -> None:
    # One request that reaches all four subgraphs through the router.
    token = router.login(MovieLens().users[0].email)
    router.execute("""{ titles(first: 2) { edges { node { id similar(first: 1) { id } } } }
                        me { email recommendations(first: 1) { edges { node { title { id } } } }
                             devices { id } } }""", token=token)
    missing: dict[str, list[str]] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        missing = {job: [name for name in names if not _series(prometheus, job, name)]
                   for job, names in EXPECTED.items()}
        missing = {job: names for job, names in missing.items() if names}
        if not missing:
            break
        time.sleep(1)
    assert not missing, f"series not scraped: {missing}"
    # Each subgraph's series carry its own name as their `subgraph` label.
    for job in EXPECTED.keys() - {"router"}:
        labels = {s["metric"].get("subgraph")
                  for s in _series(prometheus, job, "mg_request_duration_seconds_count")}
        assert labels == {job}, (job, labels)

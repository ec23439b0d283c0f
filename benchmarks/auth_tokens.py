"""Sign-in costs: the OAuth token endpoint and the `login` mutation, p50/p95.

    .venv/bin/python -m benchmarks.auth_tokens [--requests 200] [--logins 40]

Serves the users subgraph as the stack does (uvicorn, its own process, SQLite in a temporary
folder, an embedded Redis), registers a public client and one account, then times over HTTP:
`/health` (the baseline: the HTTP path alone), the token endpoint for a refresh-token grant
(rotation: one lookup, one claim, one new token row, one RS256 signature), for an
authorization-code exchange with PKCE (the code taken from Redis; the consent step is not
timed), and `login` (argon2-bound). Each request comes from its own address (X-Forwarded-For,
trusted as from an ingress) so the per-address limits stay out of the figures. Prints the
argon2 parameters in force. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from mediagateway.migrate import migrate
from mediagateway.redis_server import free_port, start_embedded_redis
from subgraphs.common.db import close_database, open_database
from subgraphs.users.domain.passwords import Passwords
from subgraphs.users.oauth.demo_clients import (
    DEMO_WEB_CLIENT,
    DEMO_WEB_REDIRECT,
    register_demo_clients,
)
from subgraphs.users.settings import MODELS

SECRET = "bench-router-secret"
PASSWORD = "correct horse battery"
_counter = iter(range(1, 10**9))


def _ip() -> str:
    n = next(_counter)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def _timed(call: Callable[[], httpx.Response], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 302), response.text
    return samples


async def _prepare(database_url: str) -> None:
    await migrate("users", database_url)
    await open_database(database_url, MODELS)
    try:
        await register_demo_clients()
    finally:
        await close_database()


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
        b"=").decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="mg-auth-bench-"))
    redis_port, port = free_port(), free_port()
    redis = start_embedded_redis(redis_port, directory / "redis")
    database_url = f"sqlite://{directory}/users.sqlite3"
    asyncio.run(_prepare(database_url))
    env = {**os.environ, "USERS_DATABASE_URL": database_url, "MG_ROUTER_SECRET": SECRET,
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "FORWARDED_ALLOW_IPS": "*"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "subgraphs.users.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], env=env)
    base = f"http://127.0.0.1:{port}"
    http = httpx.Client(timeout=30)
    try:
        for _ in range(200):
            try:
                if http.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        email = f"bench-{secrets.token_hex(4)}@example.com"
        graphql_headers = {"x-mg-router-secret": SECRET}
        registered = http.post(f"{base}/graphql", headers={**graphql_headers,
                               "x-mg-client-ip": _ip()}, json={
            "query": "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
            "variables": {"i": {"email": email, "password": PASSWORD, "displayName": "Bench"}}})
        assert "errors" not in registered.json(), registered.text

        def authorize() -> tuple[str, str]:
            verifier = secrets.token_urlsafe(48)
            ip = {"x-forwarded-for": _ip()}
            page = http.get(f"{base}/oauth/authorize", headers=ip, params={
                "response_type": "code", "client_id": DEMO_WEB_CLIENT,
                "redirect_uri": DEMO_WEB_REDIRECT, "scope": "read:watchlist",
                "state": "s", "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256"})
            request_id = re.search(r"name='request_id' value='([^']*)'", page.text)
            assert request_id, page.text
            answer = http.post(f"{base}/oauth/authorize", headers=ip, data={
                "request_id": request_id.group(1), "email": email, "password": PASSWORD,
                "decision": "approve"})
            code = re.search(r"code=([^&]+)", answer.headers["location"])
            assert code
            return code.group(1), verifier

        def exchange(code: str, verifier: str) -> httpx.Response:
            return http.post(f"{base}/oauth/token", headers={"x-forwarded-for": _ip()}, data={
                "grant_type": "authorization_code", "client_id": DEMO_WEB_CLIENT,
                "code": code, "redirect_uri": DEMO_WEB_REDIRECT, "code_verifier": verifier})

        code, verifier = authorize()
        refresh = [exchange(code, verifier).json()["refresh_token"]]

        def rotate() -> httpx.Response:
            response = http.post(f"{base}/oauth/token", headers={"x-forwarded-for": _ip()},
                                 data={"grant_type": "refresh_token",
                                       "client_id": DEMO_WEB_CLIENT,
                                       "refresh_token": refresh[0]})
            refresh[0] = response.json()["refresh_token"]
            return response

        def login() -> httpx.Response:
            return http.post(f"{base}/graphql", headers={**graphql_headers,
                             "x-mg-client-ip": _ip()}, json={
                "query": "mutation($e: String!, $p: String!) "
                         "{ login(email: $e, password: $p) { accessToken } }",
                "variables": {"e": email, "p": PASSWORD}})

        _timed(rotate, 20)  # warm-up
        results = {"GET /health (baseline)": _timed(lambda: http.get(f"{base}/health"),
                                                     args.requests)}
        results["token: refresh_token grant (rotation)"] = _timed(rotate, args.requests)
        exchanges = []
        for _ in range(args.logins):
            code, verifier = authorize()
            start = time.perf_counter()
            response = exchange(code, verifier)
            exchanges.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text
        results["token: authorization_code + PKCE"] = exchanges
        results["login mutation (argon2)"] = _timed(login, args.logins)
        hasher = Passwords().hasher
        print(f"argon2id: time_cost={hasher.time_cost} memory_cost={hasher.memory_cost} KiB "
              f"parallelism={hasher.parallelism} hash_len={hasher.hash_len}")
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
              f"{os.getloadavg()[2]:.2f}")
        print("| case | requests | p50 ms | p95 ms |\n| --- | ---: | ---: | ---: |")
        for name, samples in results.items():
            p50, p95 = _percentiles(samples)
            print(f"| {name} | {len(samples)} | {p50:.1f} | {p95:.1f} |")
    finally:
        http.close()
        server.terminate()
        server.wait(timeout=10)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

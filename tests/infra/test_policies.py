"""checkov's policy scan of every rendered overlay and of the Terraform: nothing fails but what
infra/checkov.yaml lists, each with its reason, and nothing is listed that no longer fails.

checkov pins its own dependencies against ours, so scripts/bootstrap installs it in
`.venv-tools`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.infra.test_manifests import KUBECTL

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "infra" / "checkov.yaml"
CHECKOV = ROOT / ".venv-tools" / "bin" / "checkov"
# What an operator applies: both overlays and the monitoring and Velero parts.
ROOTS = ("overlays/dev", "overlays/prod", "monitoring", "velero")


def _skips() -> dict[str, str]:
    """infra/checkov.yaml's skipped checks and their reasons."""
    entries = re.findall(r"^\s*-\s*(CKV\w+)\s*(?:#\s*(.*))?$", CONFIG.read_text(), re.MULTILINE)
    return {check: reason.strip() for check, reason in entries}


def test_every_skipped_check_says_why() -> None:
    skips = _skips()
    assert skips, "infra/checkov.yaml lists no check"
    assert all(len(reason) > 20 for reason in skips.values()), skips


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each kustomization as kubectl renders it, one file each."""
    folder = tmp_path_factory.mktemp("rendered")
    for path in ROOTS:
        built = subprocess.run(["kubectl", "kustomize", str(ROOT / "infra/k8s" / path)],
                               capture_output=True, text=True, timeout=60)
        assert built.returncode == 0, built.stderr
        (folder / f"{path.replace('/', '-')}.yaml").write_text(built.stdout)
    return folder


def _checkov(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHECKOV.exists(), "checkov is missing: scripts/bootstrap installs it in .venv-tools"
    return subprocess.run([str(CHECKOV), *args, "-o", "json"], capture_output=True, text=True,
                          timeout=300)


def _reports(output: str) -> list[dict]:
    """checkov prints one JSON document per framework it ran, one after the other."""
    decoder, reports, at = json.JSONDecoder(), [], 0
    while at < len(output.rstrip()):
        document, at = decoder.raw_decode(output, at)
        reports += document if isinstance(document, list) else [document]
        while at < len(output) and output[at].isspace():
            at += 1
    return reports


@KUBECTL
def test_policy_scan_finds_nothing_unlisted(rendered: Path) -> None:
    # Every check runs (no skips here), so stale entries show as well as new findings.
    scan = _checkov("-d", str(rendered), "-d", str(ROOT / "infra" / "terraform"),
                    "--framework", "kubernetes", "terraform", "--quiet", "--compact")
    assert scan.returncode in (0, 1), scan.stderr[-2000:]  # 1: there were findings
    failed: dict[str, set[str]] = {}
    for report in _reports(scan.stdout):
        for check in report["results"]["failed_checks"]:
            failed.setdefault(check["check_id"], set()).add(check["resource"])
    skips = _skips()
    unlisted = {check: sorted(where) for check, where in failed.items() if check not in skips}
    assert not unlisted, f"fix these, or list them with a reason in infra/checkov.yaml: {unlisted}"
    stale = set(skips) - set(failed)
    assert not stale, f"no longer found: remove from infra/checkov.yaml: {sorted(stale)}"


@KUBECTL
def test_the_config_file_scan_is_clean(rendered: Path) -> None:
    """What an operator runs by hand, with the listed skips, reports no failure."""
    scan = _checkov("--config-file", str(CONFIG), "-d", str(rendered),
                    "-d", str(ROOT / "infra" / "terraform"))
    assert scan.returncode == 0, scan.stdout[-3000:] + scan.stderr[-2000:]

"""What cannot run here is validated: the Kustomize base builds into the objects the docs
promise (kubectl), and the alert rules name only metrics the real router exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.stack import Router

INFRA = Path(__file__).resolve().parents[2] / "infra"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl (kustomize)")
def test_the_kustomize_base_builds_with_every_object_it_needs() -> None:
    built = subprocess.run(["kubectl", "kustomize", str(INFRA / "k8s")], capture_output=True,
                           text=True, timeout=60)
    assert built.returncode == 0, built.stderr
    objects = [o for o in yaml.safe_load_all(built.stdout) if o]
    kinds = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert ("CronJob", "backup-databases") in kinds
    assert ("PersistentVolumeClaim", "database-backups") in kinds  # the CronJob's volume
    assert ("Job", "migrate") in kinds
    images = {c["image"] for o in objects for c in _containers(o)}
    assert not any(i.endswith(":latest") for i in images), images
    assert all(o["metadata"].get("namespace") == "mediagateway" for o in objects)


def _containers(obj: dict) -> list[dict]:
    spec = obj.get("spec", {})
    template = spec.get("jobTemplate", {}).get("spec", {}).get("template") or spec.get(
        "template", {})
    return template.get("spec", {}).get("containers", [])


def test_the_alerts_use_only_metrics_the_router_exports(router: Router) -> None:
    router.execute("{ titles(first: 1) { edges { node { id } } } }")
    router.execute("{ titles(first: 1) { edges { node { noSuchField } } } }")  # an error
    text = httpx.get(router.url.rsplit("/", 1)[0] + "/metrics", timeout=10).text
    exported = {re.split(r"[{ ]", line, maxsplit=1)[0] for line in text.splitlines()
                if line and not line.startswith("#")}
    rules = yaml.safe_load((INFRA / "monitoring" / "alerts.yml").read_text())
    used = {name for group in rules["groups"] for rule in group["rules"]
            for name in re.findall(r"rate\(([a-zA-Z_:][\w:]*)", rule["expr"])}
    assert used, rules
    assert used <= exported, sorted(used - exported)

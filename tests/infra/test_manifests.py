"""What cannot run here is validated: the Kustomize base builds into the objects the docs
promise (kubectl), and the real router declares the metrics alerts and dashboards name."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import jsonschema
import kubernetes_validate
import pytest
import yaml

from tests.infra.metrics import ROUTER
from tests.support.stack import Router

INFRA = Path(__file__).resolve().parents[2] / "infra"


# kubectl's kustomize renders the overlays; nothing on PyPI, npm or Debian replaces it here.
# CI's machines have it (these tests ran there); scripts/test warns loudly when it is missing.
KUBECTL = pytest.mark.skipif(
    shutil.which("kubectl") is None,
    reason="kubectl is missing: its kustomize renders the overlays these tests check, and no "
           "package index reachable here has it (CI machines have it; scripts/test warns)",
)
SUBGRAPHS = ("content", "users", "recommendations", "playback")


def _build(path: Path) -> list[dict]:
    built = subprocess.run(["kubectl", "kustomize", str(path)], capture_output=True,
                           text=True, timeout=60)
    assert built.returncode == 0, built.stderr
    return [o for o in yaml.safe_load_all(built.stdout) if o]


def _named(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


@KUBECTL
@pytest.mark.parametrize("path", ["base", "overlays/dev", "overlays/prod"])
def test_each_overlay_builds_with_every_object_it_needs(path: str) -> None:
    objects = _build(INFRA / "k8s" / path)
    kinds = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert ("CronJob", "backup-databases") in kinds
    assert ("PersistentVolumeClaim", "database-backups") in kinds  # the CronJob's volume
    assert ("Job", "migrate") in kinds
    assert ("Ingress", "mediagateway") in kinds
    assert {("ResourceQuota", "mediagateway"), ("LimitRange", "mediagateway")} <= kinds
    for name in ("router", *SUBGRAPHS):
        assert {("Deployment", name), ("Service", name), ("PodDisruptionBudget", name),
                ("NetworkPolicy", name)} <= kinds, name
    images = {c["image"] for o in objects for c in _containers(o)}
    assert not any(i.endswith(":latest") or ":" not in i for i in images), images
    assert len({o["metadata"].get("namespace") for o in objects}) == 1


# The cluster version the manifests are written for (GKE's regular channel).
KUBERNETES = "1.33.1"


# Custom resources (operators installed apart from this repo) and the schema each is held to:
# tests/infra/schemas/, each naming the CRD it was written from and its version.
SCHEMAS = Path(__file__).resolve().parent / "schemas"
CUSTOM = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor.json",
    ("external-secrets.io/v1", "ExternalSecret"): "externalsecret.json",
    ("external-secrets.io/v1", "SecretStore"): "secretstore.json",
    ("velero.io/v1", "Schedule"): "schedule.json",
}
# Every kustomization an operator applies: the app (base, overlays) and the platform parts.
ROOTS = ["base", "overlays/dev", "overlays/prod", "monitoring", "velero"]


def validate(obj: dict) -> None:
    """Kubernetes kinds against the API's schemas, custom resources against their CRD's; a kind
    in neither fails (kubernetes-validate finds no schema for it)."""
    schema = CUSTOM.get((obj["apiVersion"], obj["kind"]))
    if schema is None:
        # strict: a misspelt or misplaced field is an error, not silently dropped by the server.
        kubernetes_validate.validate(obj, KUBERNETES, strict=True)
    else:
        jsonschema.validate(obj, json.loads((SCHEMAS / schema).read_text()),
                            cls=jsonschema.Draft7Validator)


@KUBECTL
@pytest.mark.parametrize("path", ROOTS)
def test_every_rendered_object_is_valid_for_the_kubernetes_api(path: str) -> None:
    for obj in _build(INFRA / "k8s" / path):
        validate(obj)


@KUBECTL
def test_custom_resources_are_checked_not_waved_through() -> None:
    """Each custom kind is rendered somewhere, and its schema refuses a misspelt field, a
    missing required one and a kind nothing describes."""
    rendered = {(o["apiVersion"], o["kind"]): o for path in ROOTS
                for o in _build(INFRA / "k8s" / path)}
    assert set(CUSTOM) <= set(rendered), set(CUSTOM) - set(rendered)
    for key in CUSTOM:
        good = rendered[key]
        validate(good)
        typo = copy.deepcopy(good)
        typo["spec"]["sepc"] = {}
        with pytest.raises(jsonschema.ValidationError):
            validate(typo)
        empty = copy.deepcopy(good)
        empty["spec"] = {}
        if key[1] != "ExternalSecret":  # its CRD requires no spec field
            with pytest.raises(jsonschema.ValidationError):
                validate(empty)
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        validate({"apiVersion": "example.com/v1", "kind": "Unknown", "metadata": {"name": "x"}})


@KUBECTL
def test_subgraphs_take_traffic_only_from_the_router() -> None:
    objects = _build(INFRA / "k8s" / "base")
    policies = _named(objects, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {"podSelector": {},
                                                       "policyTypes": ["Ingress"]}
    # Who may call each subgraph: the router, and content for signed-in search's scores.
    callers = {"content": {"router"}, "users": {"router"},
               "recommendations": {"router", "content"}, "playback": {"router"}}
    for name, allowed in callers.items():
        rules = policies[name]["spec"]["ingress"]
        pods = {peer["podSelector"]["matchLabels"]["app"] for rule in rules
                for peer in rule["from"] if "podSelector" in peer}
        assert pods == allowed, (name, pods)
        outside = {peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                   for rule in rules for peer in rule["from"] if "podSelector" not in peer}
        # Prometheus scrapes every subgraph; only users faces the ingress (sign-in pages); no
        # subgraph takes any other namespace.
        assert outside == ({"monitoring", "ingress-nginx"} if name == "users"
                           else {"monitoring"}), (name, outside)
    # The ingress sends the graph to the router and sign-in to users, nothing else.
    (rule,) = _named(objects, "Ingress")["mediagateway"]["spec"]["rules"]
    routes = {p["path"]: p["backend"]["service"]["name"] for p in rule["http"]["paths"]}
    assert routes == {"/graphql": "router", "/oauth": "users", "/.well-known": "users",
                      "/account": "users"}


@KUBECTL
def test_production_runs_three_pods_a_service_spread_over_zones() -> None:
    objects = _build(INFRA / "k8s" / "overlays" / "prod")
    for name, deployment in _named(objects, "Deployment").items():
        assert deployment["spec"]["replicas"] == 3, name
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in spread} == {"topology.kubernetes.io/zone",
                                                      "kubernetes.io/hostname"}, name
    assert all(h["spec"]["minReplicas"] == 3
               for h in _named(objects, "HorizontalPodAutoscaler").values())


def _containers(obj: dict) -> list[dict]:
    spec = obj.get("spec", {})
    template = spec.get("jobTemplate", {}).get("spec", {}).get("template") or spec.get(
        "template", {})
    return template.get("spec", {}).get("containers", [])


def test_the_router_declares_every_metric_alerts_and_dashboards_may_use(router: Router) -> None:
    router.execute("{ titles(first: 1) { edges { node { id } } } }")
    router.execute("{ titles(first: 1) { edges { node { noSuchField } } } }")  # an error
    text = httpx.get(router.url.rsplit("/", 1)[0] + "/metrics", timeout=10).text
    # Declared (# TYPE) rather than sampled: a counter nothing has touched yet has no sample.
    declared = {line.split()[2]: line.split()[3] for line in text.splitlines()
                if line.startswith("# TYPE ")}
    # tests/infra/metrics.py lists what alerts and dashboards may name (test_alert_rules and
    # test_dashboards hold them to it); here the router is held to the list.
    expected = {name: metric.kind for name, metric in ROUTER.items()}
    assert {name: declared.get(name) for name in expected} == expected
    # And its samples carry no label the list does not know (a query grouping by a label the
    # list lacks would be refused; one the router lacks would match nothing).
    for line in text.splitlines():
        sample = re.match(r"([a-zA-Z_:][\w:]*)\{(.*)\} ", line)
        if not sample:
            continue
        name = re.sub(r"_(bucket|count|sum)$", "", sample.group(1))
        labels = set(re.findall(r'(\w+)="', sample.group(2))) - {"le", "quantile"}
        if name in ROUTER:
            assert labels <= ROUTER[name].labels, (name, labels - ROUTER[name].labels)

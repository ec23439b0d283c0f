"""What the cluster needs beside the services (infra/k8s): Weaviate on its own volume, the
Cloud SQL Auth Proxy beside every database client in production, a Google identity per workload
through Workload Identity (the names Terraform binds), the Secret made by External Secrets,
ServiceMonitors for what Prometheus scrapes, the OpenTelemetry Collector the tracing settings
point at, and the backups beyond pg_dump (Weaviate to GCS, Velero)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.infra.test_manifests import INFRA, KUBECTL, _build, _containers, _named
from tests.infra.test_terraform import _blocks, _resources, _variables

DATABASE_WORKLOADS = {  # workload -> its service account (Terraform's database_clients)
    ("Deployment", "content"): "content", ("Deployment", "users"): "users",
    ("Deployment", "recommendations"): "recommendations", ("Deployment", "playback"): "playback",
    ("Job", "migrate"): "migrate", ("CronJob", "backup-databases"): "backups",
    # Training reads and writes recommendations' database: recommendations' identity.
    ("CronJob", "recommendations-train"): "recommendations",
}
PINNED = re.compile(r":\d+\.\d+\.\d+$")


def _pod(obj: dict) -> dict:
    spec = obj["spec"]
    return (spec.get("jobTemplate", {}).get("spec", {}).get("template") or spec["template"])["spec"]


def _terraform_workloads() -> set[str]:
    """local.workloads, evaluated: var.subgraphs' default and the names the setunions add."""
    (locals_,) = [b for b in _blocks("locals") if "workloads" in b]
    names = set(_variables()["subgraphs"]["default"])
    for expression in (locals_["database_clients"], locals_["workloads"]):
        names |= set(re.findall(r'"([a-z-]+)"', expression))
    return names


def _gcp(objects: list[dict]) -> dict[str, str]:
    (config,) = [o for o in objects if o["kind"] == "ConfigMap"
                 and o["metadata"]["name"].startswith("gcp")]
    return config["data"]


@KUBECTL
@pytest.mark.parametrize("path", ["overlays/dev", "overlays/prod"])
def test_weaviate_runs_on_its_own_volume_and_only_content_reaches_it(path: str) -> None:
    objects = _build(INFRA / "k8s" / path)
    weaviate = _named(objects, "StatefulSet")["weaviate"]
    (claim,) = weaviate["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"]
    pod = weaviate["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert re.fullmatch(r"cr\.weaviate\.io/semitechnologies/weaviate:1\.\d+\.\d+",
                        container["image"]), container["image"]
    assert {m["name"]: m["mountPath"] for m in container["volumeMounts"]}[
        claim["metadata"]["name"]] == {e["name"]: e.get("value") for e in container["env"]}[
        "PERSISTENCE_DATA_PATH"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/v1/.well-known/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/v1/.well-known/live"
    resources = container["resources"]
    assert resources["requests"]["memory"] and resources["limits"]["memory"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    # The headless Service: HTTP and gRPC, as content's client expects (gRPC on 50051).
    service = _named(objects, "Service")["weaviate"]
    assert service["spec"]["clusterIP"] == "None"
    assert weaviate["spec"]["serviceName"] == "weaviate"
    assert {p["port"] for p in service["spec"]["ports"]} == {8080, 50051}
    assert {p["containerPort"] for p in container["ports"]} == {8080, 50051}
    # content is pointed at it.
    content = _containers(_named(objects, "Deployment")["content"])[0]
    url = urlsplit({e["name"]: e.get("value") for e in content["env"]}["WEAVIATE_URL"])
    assert (url.hostname, url.port) == ("weaviate", 8080)
    # Only content (and the backup job) may connect.
    rules = _named(objects, "NetworkPolicy")["weaviate"]["spec"]["ingress"]
    callers = {peer["podSelector"]["matchLabels"]["app"] for rule in rules for peer in rule["from"]}
    assert callers == {"content", "weaviate-backup"}
    assert all("namespaceSelector" not in peer for rule in rules for peer in rule["from"])
    backup = _named(objects, "CronJob")["backup-weaviate"]
    labels = backup["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    assert labels["app"] == "weaviate-backup"


@KUBECTL
def test_production_reaches_postgresql_through_the_cloud_sql_auth_proxy() -> None:
    objects = _build(INFRA / "k8s" / "overlays" / "prod")
    gcp = _gcp(objects)
    # database.tf signs workloads in as IAM users: the proxy must do it for them.
    instance = _resources()[("google_sql_database_instance", "main")]
    flags = {f["name"]: f["value"] for f in instance["settings"][0]["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"
    with_proxy = set()
    for obj in objects:
        if obj["kind"] not in ("Deployment", "Job", "CronJob", "StatefulSet"):
            continue
        pod = _pod(obj)
        proxies = [c for c in pod.get("initContainers", []) if c["name"] == "cloud-sql-proxy"]
        key = (obj["kind"], obj["metadata"]["name"])
        if key not in DATABASE_WORKLOADS:
            assert not proxies, key
            continue
        with_proxy.add(key)
        (proxy,) = proxies
        assert proxy["restartPolicy"] == "Always", key  # a native sidecar
        assert re.fullmatch(r"gcr\.io/cloud-sql-connectors/cloud-sql-proxy:2\.\d+\.\d+",
                            proxy["image"]), proxy["image"]
        assert {"--private-ip", "--auto-iam-authn", "--address=127.0.0.1", "--port=5432"} <= set(
            proxy["args"]), key
        # The instance from the gcp ConfigMap, nowhere else.
        assert proxy["args"][-1] == "$(DATABASE_CONNECTION_NAME)"
        (source,) = [e for e in proxy["env"] if e["name"] == "DATABASE_CONNECTION_NAME"]
        ref = source["valueFrom"]["configMapKeyRef"]
        assert ref["name"].startswith("gcp") and ref["key"] == "DATABASE_CONNECTION_NAME"
        assert proxy["startupProbe"]["httpGet"]["path"] == "/startup"
        assert proxy["securityContext"]["readOnlyRootFilesystem"] is True
        assert proxy["resources"]["limits"]["memory"]
        # The app: the proxy's local port, as the pod's own IAM database user.
        env = {e["name"]: e.get("value") for e in _containers(obj)[0]["env"]}
        url = urlsplit(env["DATABASE_URL"])
        assert (url.hostname, url.port, url.username, url.password) == (
            "127.0.0.1", 5432, None, None), key
        account = DATABASE_WORKLOADS[key]
        assert pod["serviceAccountName"] == account, key
        assert env["PGUSER"] == f"mediagateway-{account}@{gcp['DATABASE_USER_DOMAIN']}", key
    assert with_proxy == set(DATABASE_WORKLOADS)
    # One project everywhere: every project-bound value derives from PROJECT_ID.
    project = gcp["PROJECT_ID"]
    assert gcp["DATABASE_CONNECTION_NAME"] == f"{project}:{gcp['CLUSTER_LOCATION']}:mediagateway-pg"
    assert gcp["DATABASE_USER_DOMAIN"] == f"{project}.iam"
    assert gcp["SERVICE_ACCOUNT_DOMAIN"] == f"{project}.iam.gserviceaccount.com"
    assert gcp["WEAVIATE_BACKUP_BUCKET"] == f"{project}-mediagateway-weaviate-backups"
    # No database password in production's Secret.
    (secret,) = _named(objects, "ExternalSecret").values()
    assert "DATABASE_URL" not in {d["secretKey"] for d in secret["spec"]["data"]}
    # Development keeps its own database (no proxy there).
    dev = _build(INFRA / "k8s" / "overlays" / "dev")
    assert not any(_pod(o).get("initContainers") for o in dev
                   if o["kind"] in ("Deployment", "Job", "CronJob"))


@KUBECTL
@pytest.mark.parametrize("path", ["overlays/dev", "overlays/prod"])
def test_each_workload_has_the_google_identity_terraform_binds(path: str) -> None:
    objects = _build(INFRA / "k8s" / path)
    domain = _gcp(objects)["SERVICE_ACCOUNT_DOMAIN"]
    accounts = _named(objects, "ServiceAccount")
    annotated = {name: sa["metadata"]["annotations"]["iam.gke.io/gcp-service-account"]
                 for name, sa in accounts.items() if sa["metadata"].get("annotations")}
    # iam.tf: google_service_account.workload (mediagateway-<name>) bound to [namespace/<name>].
    assert set(annotated) == _terraform_workloads()
    for name, email in annotated.items():
        assert email == f"mediagateway-{name}@{domain}", name
    for name, sa in accounts.items():
        assert sa["automountServiceAccountToken"] is False, name
    # Every pod runs as one of them, never `default`, and mounts no token: GKE's metadata
    # server answers for the pod's identity without one.
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job", "CronJob", "StatefulSet"):
            pod = _pod(obj)
            assert pod.get("serviceAccountName") in accounts, obj["metadata"]["name"]
            assert pod["automountServiceAccountToken"] is False, obj["metadata"]["name"]
    # The Secret is made by External Secrets from Secret Manager, never written here.
    assert not [o for o in objects if o["kind"] == "Secret"]
    (secret,) = _named(objects, "ExternalSecret").values()
    assert secret["spec"]["target"]["name"] == "mediagateway-secrets"
    store = _named(objects, "SecretStore")[secret["spec"]["secretStoreRef"]["name"]]
    identity = store["spec"]["provider"]["gcpsm"]["auth"]["workloadIdentity"]
    assert identity["serviceAccountRef"]["name"] in annotated
    # Every key a workload reads from the Secret is one the ExternalSecret fills.
    keys = {d["secretKey"] for d in secret["spec"]["data"]}
    for obj in objects:
        for container in _containers(obj) if obj["kind"] != "StatefulSet" else []:
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == "mediagateway-secrets" and ref["key"] in keys, ref
    # secrets.tf creates each remote key the ExternalSecret reads, and lets only
    # external-secrets read them.
    secrets = _resources()[("google_secret_manager_secret", "app")]
    ids = {f"mediagateway-{key}" for key in re.findall(r'"([a-z-]+)"', secrets["for_each"])}
    assert {d["remoteRef"]["key"] for d in secret["spec"]["data"]} <= ids


def _scrape_targets() -> dict[str, tuple[str, int]]:
    """infra/monitoring/prometheus.yml: host -> (metrics path, port)."""
    config = yaml.safe_load((INFRA / "monitoring" / "prometheus.yml").read_text())
    targets = {}
    for job in config["scrape_configs"]:
        for static in job["static_configs"]:
            for target in static["targets"]:
                host, port = target.split(":")
                targets[host] = (job.get("metrics_path", "/metrics"), int(port))
    return targets


@KUBECTL
def test_service_monitors_scrape_what_prometheus_yml_scrapes() -> None:
    objects = _build(INFRA / "k8s" / "base")
    monitors = _named(objects, "ServiceMonitor")
    services = _named(objects, "Service")
    deployments = _named(objects, "Deployment")
    targets = _scrape_targets()
    assert set(monitors) == set(targets) == {"router", "content", "users", "recommendations",
                                             "playback"}
    for name, monitor in monitors.items():
        # The selector picks exactly that service.
        selected = [s for s in services.values()
                    if monitor["spec"]["selector"]["matchLabels"].items()
                    <= s["metadata"].get("labels", {}).items()]
        assert [s["metadata"]["name"] for s in selected] == [name]
        (endpoint,) = monitor["spec"]["endpoints"]
        ports = {p.get("name"): p for p in selected[0]["spec"]["ports"]}
        port = ports[endpoint["port"]]
        path, number = targets[name]
        assert (endpoint["path"], port["port"]) == (path, number), name
        # And what the pods' scrape annotations say (Prometheus reaches the pod's port).
        notes = deployments[name]["spec"]["template"]["metadata"]["annotations"]
        assert notes["prometheus.io/path"] == endpoint["path"]
        assert int(notes["prometheus.io/port"]) == port["targetPort"], name


@KUBECTL
def test_the_collector_the_tracing_settings_name_exists_and_forwards_over_otlp() -> None:
    app = _build(INFRA / "k8s" / "base")
    (tracing,) = [o for o in app if o["kind"] == "ConfigMap"
                  and o["metadata"]["name"].startswith("tracing")]
    endpoint = urlsplit(tracing["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
    service_name, namespace, _ = endpoint.hostname.split(".", 2)
    objects = _build(INFRA / "k8s" / "monitoring")
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {
        namespace}
    service = _named(objects, "Service")[service_name]
    assert endpoint.port in {p["port"] for p in service["spec"]["ports"]}
    collector = _named(objects, "Deployment")[service_name]
    (container,) = _containers(collector)
    assert re.fullmatch(r"otel/opentelemetry-collector-contrib:0\.\d+\.\d+", container["image"])
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    (config_map,) = [o for o in objects if o["kind"] == "ConfigMap"
                     and o["metadata"]["name"].startswith("otel-collector")]
    config = yaml.safe_load(config_map["data"]["config.yaml"])
    pipeline = config["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"] and "batch" in pipeline["processors"]
    assert pipeline["exporters"] == ["otlp"]
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(
        f":{endpoint.port}")
    # The backend is configurable: the exporter reads it from the otel-backend ConfigMap.
    assert config["exporters"]["otlp"]["endpoint"] == "${env:OTLP_BACKEND_ENDPOINT}"
    (backend,) = [o for o in objects if o["kind"] == "ConfigMap"
                  and o["metadata"]["name"].startswith("otel-backend")]
    assert backend["data"]["OTLP_BACKEND_ENDPOINT"]
    assert {s["configMapRef"]["name"] for s in container["envFrom"]} == {
        backend["metadata"]["name"]}
    # Only the application namespaces send to it.
    (policy,) = _named(objects, "NetworkPolicy").values()
    (rule,) = policy["spec"]["ingress"]
    (peer,) = rule["from"]
    (expression,) = peer["namespaceSelector"]["matchExpressions"]
    assert set(expression["values"]) == {"mediagateway", "mediagateway-dev"}
    assert {p["port"] for p in rule["ports"]} == {4317, 4318}


@KUBECTL
def test_velero_backs_up_the_namespace_daily_for_seven_days() -> None:
    (schedule,) = _build(INFRA / "k8s" / "velero")
    assert schedule["kind"] == "Schedule" and schedule["metadata"]["namespace"] == "velero"
    minute, hour, *rest = schedule["spec"]["schedule"].split()
    assert rest == ["*", "*", "*"] and minute.isdigit() and hour.isdigit()
    template = schedule["spec"]["template"]
    namespace = {o["metadata"]["namespace"] for o in _build(INFRA / "k8s" / "overlays" / "prod")}
    assert template["includedNamespaces"] == sorted(namespace)
    assert template["snapshotVolumes"] is True
    assert template["ttl"] in ("168h", "168h0m0s")


@KUBECTL
def test_weaviate_backups_run_nightly_to_gcs_kept_seven_days() -> None:
    objects = _build(INFRA / "k8s" / "base")
    job = _named(objects, "CronJob")["backup-weaviate"]
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = _containers(job)
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["BACKUP_BACKEND"] == "gcs"
    weaviate = _named(objects, "StatefulSet")["weaviate"]
    (server,) = weaviate["spec"]["template"]["spec"]["containers"]
    server_env = {e["name"]: e for e in server["env"]}
    assert "backup-gcs" in server_env["ENABLE_MODULES"]["value"].split(",")
    bucket_ref = server_env["BACKUP_GCS_BUCKET"]["valueFrom"]["configMapKeyRef"]
    assert bucket_ref["key"] == "WEAVIATE_BACKUP_BUCKET"
    # The bucket deletes each backup after 7 days, and only Weaviate's identity may write it.
    resources = _resources()
    bucket = resources[("google_storage_bucket", "weaviate_backups")]
    rules = {tuple(r["condition"][0].items()): r["action"][0]["type"]
             for r in bucket["lifecycle_rule"]}
    # Deleted at 7 days; a deleted (noncurrent) version 7 days later, nothing kept beyond.
    assert rules == {(("age", 7),): "Delete", (("days_since_noncurrent_time", 7),): "Delete"}
    assert bucket["versioning"][0]["enabled"] is True
    assert bucket["public_access_prevention"] == "enforced"
    writers = [b for (kind, _), b in resources.items()
               if kind == "google_storage_bucket_iam_member"]
    assert [w["member"] for w in writers] == [
        '${google_service_account.workload["weaviate"].member}']
    # The bucket's name is what the gcp ConfigMap hands Weaviate.
    assert _gcp(objects)["WEAVIATE_BACKUP_BUCKET"] == bucket["name"].replace(
        "${var.project_id}", _gcp(objects)["PROJECT_ID"]).replace("${var.name}", "mediagateway")


SCRIPT = INFRA / "k8s" / "base" / "backups" / "weaviate_backup.py"


class _FakeWeaviate(BaseHTTPRequestHandler):
    """Weaviate's backup API as the script uses it: create, then status until a final one."""

    statuses: list[str] = []
    created: list[dict] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/v1/backups/gcs"
        type(self).created.append(body)
        self._answer({"id": body["id"], "backend": "gcs", "status": "STARTED"})

    def do_GET(self) -> None:
        (created,) = type(self).created
        assert self.path == f"/v1/backups/gcs/{created['id']}"
        self._answer({"id": created["id"], "status": type(self).statuses.pop(0)})

    def _answer(self, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("statuses", "code"), [
    (["STARTED", "TRANSFERRING", "TRANSFERRED", "SUCCESS"], 0),
    (["STARTED", "FAILED"], 1),
])
def test_the_weaviate_backup_script_waits_for_the_outcome(statuses: list[str], code: int) -> None:
    _FakeWeaviate.statuses, _FakeWeaviate.created = list(statuses), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeWeaviate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        run = subprocess.run(
            [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=30,
            env={"WEAVIATE_URL": f"http://127.0.0.1:{server.server_address[1]}",
                 "BACKUP_POLL_SECONDS": "0.01", "BACKUP_BACKEND": "gcs"})
    finally:
        server.shutdown()
    assert run.returncode == code, run.stdout + run.stderr
    (created,) = _FakeWeaviate.created
    assert re.fullmatch(r"weaviate-\d{8}t\d{6}z", created["id"])  # what Weaviate accepts
    assert _FakeWeaviate.statuses == []  # polled until the final status, no further
    final = (run.stdout if code == 0 else run.stderr).strip().splitlines()[-1]
    assert json.loads(final)["status"] == statuses[-1]


def test_the_schedules_run_in_order_dumps_then_weaviate_then_velero() -> None:
    """Velero's snapshots hold the night's dumps: each job's start after the one before."""
    def start(path: Path, name: str) -> tuple[int, int]:
        for document in yaml.safe_load_all(path.read_text()):
            if document and document["metadata"]["name"] == name:
                minute, hour = document["spec"]["schedule"].split()[:2]
                return int(hour), int(minute)
        raise AssertionError(name)
    base = INFRA / "k8s" / "base"
    assert (start(base / "backups.yaml", "backup-databases")
            < start(base / "weaviate-backup.yaml", "backup-weaviate")
            < start(INFRA / "k8s" / "velero" / "schedule.yaml", "mediagateway-daily"))

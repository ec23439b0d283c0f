"""The GCP infrastructure (infra/terraform), checked offline: every file parses, the properties
the operations docs promise hold (HA, point-in-time recovery, private addresses only, Workload
Identity), every reference points at something declared, and no secret is written down.

`terraform validate` needs the provider's schema from the Terraform registry, which this
machine cannot reach; the reference checks below stand in for the part of it that catches
typos."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2 import SerializationOptions

TERRAFORM = Path(__file__).resolve().parents[2] / "infra" / "terraform"
SUBGRAPHS = {"content", "users", "recommendations", "playback"}
# Plain values (quotes stripped), blocks as lists of dicts, no comments.
OPTIONS = SerializationOptions(with_comments=False, explicit_blocks=False,
                               strip_string_quotes=True)


def _files() -> list[Path]:
    return sorted(TERRAFORM.glob("*.tf"))


@cache
def _parsed() -> dict[str, dict[str, Any]]:
    parsed = {}
    for path in _files():
        with path.open() as handle:
            parsed[path.name] = hcl2.load(handle, serialization_options=OPTIONS)
    return parsed


def _blocks(kind: str) -> Iterator[dict[str, Any]]:
    for document in _parsed().values():
        yield from document.get(kind, [])


def _resources() -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for block in _blocks("resource"):
        for type_, named in block.items():
            for name, body in named.items():
                assert (type_, name) not in found, f"{type_}.{name} declared twice"
                found[(type_, name)] = body
    return found


def _only(type_: str) -> dict[str, Any]:
    (body,) = [b for (t, _), b in _resources().items() if t == type_]
    return body


def _one(body: dict[str, Any], block: str) -> dict[str, Any]:
    """A nested block that must appear exactly once."""
    blocks = body.get(block)
    assert isinstance(blocks, list) and len(blocks) == 1, (block, blocks)
    return blocks[0]


def _variables() -> dict[str, dict[str, Any]]:
    return {name: body for block in _blocks("variable") for name, body in block.items()}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_every_file_parses_and_has_one_job() -> None:
    names = {path.name for path in _files()}
    assert {"versions.tf", "variables.tf", "outputs.tf", "network.tf", "gke.tf", "database.tf",
            "redis.tf", "iam.tf", "registry.tf"} <= names, names
    assert all(_parsed()[name] for name in names)
    # One job a file: the variables and outputs live in their own files only.
    for name, document in _parsed().items():
        if name != "variables.tf":
            assert "variable" not in document, name
        if name != "outputs.tf":
            assert "output" not in document, name


def test_terraform_and_the_provider_are_pinned_exactly() -> None:
    (settings,) = list(_blocks("terraform"))
    exact = re.compile(r"^\d+\.\d+\.\d+$")
    assert exact.match(settings["required_version"]), settings["required_version"]
    (providers,) = settings["required_providers"]
    assert set(providers) == {"google"}, providers
    assert providers["google"]["source"] == "hashicorp/google"
    assert exact.match(providers["google"]["version"]), providers["google"]


def test_cloud_sql_is_highly_available_recoverable_to_a_point_and_private() -> None:
    instance = _only("google_sql_database_instance")
    assert instance["database_version"] == "POSTGRES_16"
    assert instance["deletion_protection"] is True
    settings = _one(instance, "settings")
    assert settings["availability_type"] == "REGIONAL"
    assert settings["deletion_protection_enabled"] is True
    backups = _one(settings, "backup_configuration")
    assert backups["enabled"] is True
    assert backups["point_in_time_recovery_enabled"] is True
    assert backups["transaction_log_retention_days"] == 7
    retention = _one(backups, "backup_retention_settings")
    assert (retention["retained_backups"], retention["retention_unit"]) == (7, "COUNT")
    network = _one(settings, "ip_configuration")
    assert network["ipv4_enabled"] is False  # no public address
    assert network["private_network"] == "${google_compute_network.main.id}"
    assert network["ssl_mode"] == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    assert "authorized_networks" not in network
    # The private address comes from the peering: created before it, or creation fails.
    assert "google_service_networking_connection.private_services" in str(
        instance["depends_on"])
    flags = {f["name"]: f["value"] for f in settings["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"  # no database passwords


def test_each_subgraph_has_its_database_and_an_iam_database_user() -> None:
    databases = _only("google_sql_database")
    assert databases["for_each"] == "${var.subgraphs}"
    assert databases["name"] == "mediagateway_${each.key}"  # the name the subgraphs derive
    assert set(_variables()["subgraphs"]["default"]) == SUBGRAPHS
    users = _only("google_sql_user")
    assert users["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert "password" not in users


def test_gke_is_regional_private_and_uses_workload_identity() -> None:
    cluster = _only("google_container_cluster")
    # A region, not a zone, is what makes the control plane and nodes multi-zonal.
    assert cluster["location"] == "${var.region}"
    assert cluster["node_locations"] == "${var.zones}"
    zones = _variables()["zones"]
    assert len(zones["default"]) >= 3
    assert "length(var.zones) >= 3" in _one(zones, "validation")["condition"]
    assert cluster["remove_default_node_pool"] is True
    assert cluster["deletion_protection"] is True
    private = _one(cluster, "private_cluster_config")
    assert private["enable_private_nodes"] is True
    identity = _one(cluster, "workload_identity_config")
    assert identity["workload_pool"] == "${local.workload_pool}"
    (locals_,) = [b for b in _blocks("locals") if "workload_pool" in b]
    assert locals_["workload_pool"] == "${var.project_id}.svc.id.goog"
    # NetworkPolicies are enforced only by a dataplane that implements them.
    assert cluster["datapath_provider"] == "ADVANCED_DATAPATH"
    assert _one(cluster, "ip_allocation_policy")["cluster_secondary_range_name"]
    authorized = _one(cluster, "master_authorized_networks_config")
    assert authorized["gcp_public_cidrs_access_enabled"] is False

    pool = _only("google_container_node_pool")
    node = _one(pool, "node_config")
    # Pods see their own identity through the GKE metadata server, never the node's.
    assert _one(node, "workload_metadata_config")["mode"] == "GKE_METADATA"
    assert node["service_account"] == "${google_service_account.nodes.email}"
    assert _one(node, "shielded_instance_config")["enable_secure_boot"] is True
    assert node["metadata"]["disable-legacy-endpoints"] == "true"
    management = _one(pool, "management")
    assert management["auto_repair"] is True and management["auto_upgrade"] is True


def test_the_network_is_private_with_private_service_access() -> None:
    network = _only("google_compute_network")
    assert network["auto_create_subnetworks"] is False
    subnet = _only("google_compute_subnetwork")
    assert subnet["private_ip_google_access"] is True
    assert {r["range_name"] for r in subnet["secondary_ip_range"]} == {"pods", "services"}
    reserved = _only("google_compute_global_address")
    assert (reserved["purpose"], reserved["address_type"]) == ("VPC_PEERING", "INTERNAL")
    peering = _only("google_service_networking_connection")
    assert peering["service"] == "servicenetworking.googleapis.com"
    assert peering["reserved_peering_ranges"] == [
        "${google_compute_global_address.private_services.name}"]


def test_redis_is_highly_available_private_encrypted_and_never_evicts() -> None:
    redis = _only("google_redis_instance")
    assert redis["tier"] == "STANDARD_HA"
    assert redis["connect_mode"] == "PRIVATE_SERVICE_ACCESS"
    assert redis["authorized_network"] == "${google_compute_network.main.id}"
    assert redis["auth_enabled"] is True
    assert redis["transit_encryption_mode"] == "SERVER_AUTHENTICATION"
    # Streams are the events between subgraphs: evicting one loses facts.
    assert redis["redis_configs"]["maxmemory-policy"] == "noeviction"
    # Primary and replica in different zones.
    assert redis["location_id"] != redis["alternative_location_id"]


def test_every_workload_has_its_own_service_account_bound_by_workload_identity() -> None:
    (locals_,) = [b for b in _blocks("locals") if "workloads" in b]
    # Every subgraph (var.subgraphs, checked above) and the jobs reach the database.
    assert locals_["database_clients"] == '${setunion(var.subgraphs, ["migrate", "backups"])}'
    assert "router" in locals_["workloads"]
    accounts = _resources()[("google_service_account", "workload")]
    assert accounts["for_each"] == "${local.workloads}"
    binding = _resources()[("google_service_account_iam_member", "workload_identity")]
    assert binding["for_each"] == "${local.workloads}"
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    assert binding["member"] == (
        "serviceAccount:${local.workload_pool}[${var.namespace}/${each.key}]")
    assert binding["service_account_id"] == "${google_service_account.workload[each.key].name}"
    # Database roles only for this instance, never project-wide.
    for name in ("cloudsql_client", "cloudsql_instance_user"):
        grant = _resources()[("google_project_iam_member", name)]
        assert "google_sql_database_instance.main.name" in _one(grant, "condition")["expression"]
    # Nobody is given a primitive role.
    roles = [b.get("role", "") for (t, _), b in _resources().items() if t.endswith("iam_member")]
    assert not {"roles/owner", "roles/editor"} & set(roles), roles
    # Images come from the project's own registry, tags immutable.
    registry = _only("google_artifact_registry_repository")
    assert registry["format"] == "DOCKER"
    assert _one(registry, "docker_config")["immutable_tags"] is True


# A type constraint: a primitive or a collection/structural type (bare or as an expression).
TYPE = re.compile(r"^(\$\{)?(string|number|bool|any|(list|set|map|object|tuple)\()")


def test_every_variable_has_a_description_and_a_type_and_every_output_a_description() -> None:
    variables = _variables()
    assert variables
    for name, body in variables.items():
        assert str(body.get("description", "")).strip(), name
        assert TYPE.match(str(body.get("type", ""))), (name, body.get("type"))
    outputs = {name: body for block in _blocks("output") for name, body in block.items()}
    assert outputs
    for name, body in outputs.items():
        assert str(body.get("description", "")).strip(), name


def test_every_reference_points_at_something_declared() -> None:
    declared_vars = set(_variables())
    declared_locals = {name for block in _blocks("locals") for name in block}
    declared = {f"{t}.{n}" for t, n in _resources()}
    used_vars: set[str] = set()
    used_locals: set[str] = set()
    used: set[str] = set()
    for document in _parsed().values():
        for text in _strings(document):
            used_vars |= set(re.findall(r"\bvar\.(\w+)", text))
            used_locals |= set(re.findall(r"\blocal\.(\w+)", text))
            used |= {f"{t}.{n}" for t, n in re.findall(r"\b(google_\w+)\.(\w+)", text)}
    assert used_vars <= declared_vars, sorted(used_vars - declared_vars)
    assert used_locals <= declared_locals, sorted(used_locals - declared_locals)
    assert used <= declared, sorted(used - declared)
    # Nothing declared and left unused (a variable nobody reads is a setting that does nothing).
    assert declared_vars <= used_vars, sorted(declared_vars - used_vars)


SECRET_LOOKING = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AIza[0-9A-Za-z_\-]{35}"),  # Google API key
    re.compile(r"\"private_key(_id)?\"\s*:"),  # a service account key file
    re.compile(r"://[^/\s:@]+:[^/\s@]+@"),  # credentials inside a URL
]


def test_no_secret_is_written_down() -> None:
    for path in _files():
        text = path.read_text()
        for pattern in SECRET_LOOKING:
            assert not pattern.search(text), (path.name, pattern.pattern)
    # Workload Identity instead of keys, IAM users instead of passwords.
    types = {t for t, _ in _resources()}
    assert "google_service_account_key" not in types
    for (type_, name), body in _resources().items():
        for key in ("password", "auth_string", "secret_data", "private_key"):
            assert key not in body, (type_, name, key)
    for name, body in _variables().items():
        if re.search(r"password|secret|token|key", name):
            assert "default" not in body, name
    # An output that carries a secret says so (kept out of plan output and logs).
    for block in _blocks("output"):
        for name, body in block.items():
            if re.search(r"auth_string|password|private_key", str(body["value"])):
                assert body.get("sensitive") is True, name


@pytest.mark.skipif(shutil.which("terraform") is None,
                    reason="terraform is not installed (its fmt needs no provider)")
def test_the_files_are_formatted_as_terraform_fmt_writes_them() -> None:
    checked = subprocess.run(["terraform", "fmt", "-check", "-diff", "-no-color", str(TERRAFORM)],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr

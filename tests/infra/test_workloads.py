"""What the base's common patches give every workload (infra/k8s/base/kustomization.yaml):
hardened pods and containers, and the tracing settings, sampled 1 in 10 in production."""

from __future__ import annotations

import pytest

from tests.infra.test_manifests import INFRA, KUBECTL, _build, _containers


def _pod(obj: dict) -> dict:
    spec = obj["spec"]
    return (spec.get("jobTemplate", {}).get("spec", {}).get("template") or spec["template"])["spec"]


@KUBECTL
@pytest.mark.parametrize(("path", "ratio"), [("overlays/dev", "1.0"), ("overlays/prod", "0.1")])
def test_every_workload_is_hardened_and_traced(path: str, ratio: str) -> None:
    objects = _build(INFRA / "k8s" / path)
    (tracing,) = [o for o in objects if o["kind"] == "ConfigMap"
                  and o["metadata"]["name"].startswith("tracing")]
    assert tracing["data"]["OTEL_TRACES_SAMPLER_ARG"] == ratio
    assert tracing["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http://")
    workloads = [o for o in objects if o["kind"] in ("Deployment", "Job", "CronJob", "StatefulSet")]
    assert workloads
    for obj in workloads:
        name = obj["metadata"]["name"]
        pod = _pod(obj)
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] >= 10000, name
        assert pod["automountServiceAccountToken"] is False, name
        mounts = set()
        # Sidecars too (the prod overlay's Cloud SQL Auth Proxy).
        for container in _containers(obj) + pod.get("initContainers", []):
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert container["resources"]["limits"]["memory"], name
            mounts |= {m["mountPath"] for m in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, name  # writable scratch under the read-only root
        if obj["kind"] == "Deployment":
            sources = {s.get("configMapRef", {}).get("name") for c in _containers(obj)
                       for s in c.get("envFrom", [])}
            assert tracing["metadata"]["name"] in sources, name

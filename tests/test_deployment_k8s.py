"""The Kubernetes manifests: every kustomize overlay rendered (deploy/kustomize.py, checked against
`kubectl kustomize` where installed) and each object validated against the pinned Kubernetes API
schemas; then what operators rely on — hardened pods, probes, resources, scaling, migrations and
network isolation."""

from __future__ import annotations

import base64
import functools
import importlib
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES_VERSION = "1.32.0"
OVERLAYS = ["dev", "prod"]
SERVICES = {
    "gateway": "gateway.settings",
    "intake-service": "intake_service.settings",
    "ocr-service": "ocr_service.settings",
    "tracking-service": "tracking_service.settings",
    "notify-service": "notify_service.settings",
    "butler-service": "butler_service.settings",
    "assessment-service": "assessment_service.settings",
    "console": "console.settings",
}
INGRESS_NAMESPACE = {"kubernetes.io/metadata.name": "ingress-nginx"}

Object = dict[str, Any]


def _python_renderer() -> Any:
    spec = importlib.util.spec_from_file_location("lipei_kustomize", ROOT / "deploy/kustomize.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _normalised(objects: list[Object]) -> dict[tuple[str, str], str]:
    """Objects by kind and name, with generated-name hashes and base64 line breaks evened out."""
    out = {}
    for obj in objects:
        obj = json.loads(json.dumps(obj))
        if obj["kind"] == "Secret":
            obj["data"] = {k: base64.b64decode(v).decode() for k, v in obj["data"].items()}
        text = re.sub(r"(lipei-config)-[a-z0-9]{10}\b", r"\1-HASH", json.dumps(obj, sort_keys=True))
        out[(obj["kind"], re.sub(r"-[a-z0-9]{10}$", "-HASH", obj["metadata"]["name"]))] = text
    return out


@functools.cache
def _render(overlay: str) -> tuple[Object, ...]:
    """The overlay rendered by deploy/kustomize.py and, where kubectl is installed, by
    `kubectl kustomize` too: the two must agree."""
    rendered = _python_renderer().build(ROOT / "k8s/overlays" / overlay)
    kubectl = shutil.which("kubectl")
    if kubectl:
        out = subprocess.run(
            [kubectl, "kustomize", str(ROOT / "k8s/overlays" / overlay)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        reference = [doc for doc in yaml.safe_load_all(out) if doc]
        assert _normalised(rendered) == _normalised(reference)
    return tuple(rendered)


def test_the_python_renderer_refuses_what_it_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\nnamePrefix: x-\n")
    with pytest.raises(ValueError, match="namePrefix"):
        _python_renderer().build(tmp_path)


def _objects(overlay: str, kind: str) -> dict[str, Object]:
    return {o["metadata"]["name"]: o for o in _render(overlay) if o["kind"] == kind}


def _pod_spec(workload: Object) -> Object:
    spec: Object = workload["spec"]["template"]["spec"]
    return spec


def _secret_key_refs(container: Object) -> dict[str, str]:
    return {
        e["name"]: e["valueFrom"]["secretKeyRef"]["key"]
        for e in container.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_is_valid_for_the_pinned_kubernetes(overlay: str) -> None:
    keda = json.loads((ROOT / "deploy/schemas/keda-scaledobject.schema.json").read_text())
    kinds = set()
    for obj in _render(overlay):
        kinds.add(obj["kind"])
        if obj["apiVersion"].startswith("keda.sh/"):
            jsonschema.validate(obj, keda)
        else:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    assert {
        "Deployment",
        "Service",
        "ServiceAccount",
        "ConfigMap",
        "HorizontalPodAutoscaler",
        "ScaledObject",
        "Job",
        "NetworkPolicy",
        "Ingress",
        "Namespace",
    } <= kinds


def test_the_validator_catches_a_broken_object() -> None:
    deployment = json.loads(json.dumps(_objects("prod", "Deployment")["gateway"]))
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", list(SERVICES))
def test_each_service_runs_hardened_with_probes_and_resources(overlay: str, name: str) -> None:
    deployment = _objects(overlay, "Deployment")[name]
    pod = _pod_spec(deployment)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["serviceAccountName"] == name
    assert name in _objects(overlay, "ServiceAccount")
    (container,) = pod["containers"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    tmp = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert tmp == {"tmp": "/tmp"}
    assert {v["name"]: "emptyDir" in v for v in pod["volumes"]} == {"tmp": True}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][bound])
    port = importlib.import_module(SERVICES[name]).Settings().port
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert {"name": "PORT", "value": str(port)} in container["env"]
    service = _objects(overlay, "Service")[name]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_drain_never_takes_a_whole_service_down(overlay: str) -> None:
    budgets = list(_objects(overlay, "PodDisruptionBudget").values())
    for name, deployment in _objects(overlay, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        (budget,) = [b for b in budgets if _matches(b["spec"]["selector"], labels)]
        assert budget["spec"]["maxUnavailable"] == 1, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_images_carry_the_overlay_tag(overlay: str) -> None:
    tag = {"dev": "dev", "prod": "0.1.0"}[overlay]
    for workload in [*_objects(overlay, "Deployment").values(), *_objects(overlay, "Job").values()]:
        pod = _pod_spec(workload)
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            assert re.fullmatch(rf"lipei/[a-z-]+:{re.escape(tag)}", container["image"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_config_comes_from_the_configmap_and_secrets_from_the_secret(overlay: str) -> None:
    configmaps = _objects(overlay, "ConfigMap")
    for deployment in _objects(overlay, "Deployment").values():
        (container,) = _pod_spec(deployment)["containers"]
        (source,) = container["envFrom"]
        config = configmaps[source["configMapRef"]["name"]]["data"]
        assert config["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
        assert config["MIGRATE_ON_START"] == "false"
        assert config["HOST"] == "0.0.0.0"
        secret_env = _secret_key_refs(container)
        assert "LIPEI_INTERNAL_TOKEN" in secret_env
        for key in ("LIPEI_INTERNAL_TOKEN", "JWT_SECRET", "FIELDS_PRIVATE_KEY", "DATABASE_URL"):
            assert key not in config
        for entry in container["env"]:
            assert "SECRET" not in entry["name"] or "valueFrom" in entry
    prod_config = next(iter(_objects("prod", "ConfigMap").values()))["data"]
    assert prod_config["DEV_LOGIN_ENABLED"] == "false"


def test_dev_generates_every_secret_key_and_prod_keeps_none_in_the_repository() -> None:
    (secret,) = _objects("dev", "Secret").values()
    assert secret["metadata"]["name"] == "lipei-secrets"
    workloads = [*_objects("dev", "Deployment").values(), *_objects("dev", "Job").values()]
    required = {
        e["valueFrom"]["secretKeyRef"]["key"]
        for w in workloads
        for c in [*_pod_spec(w).get("initContainers", []), *_pod_spec(w)["containers"]]
        for e in c.get("env", [])
        if "secretKeyRef" in e.get("valueFrom", {})
        and not e["valueFrom"]["secretKeyRef"].get("optional")
    }
    assert required <= set(secret["data"])
    assert _objects("prod", "Secret") == {}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_and_intake_scale_on_cpu(overlay: str) -> None:
    deployments = _objects(overlay, "Deployment")
    hpas = _objects(overlay, "HorizontalPodAutoscaler")
    assert set(hpas) == {"gateway", "intake-service"}
    for hpa in hpas.values():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"] >= 1
        for workload in deployments[target["name"]]["spec"]["template"]["spec"]["containers"]:
            assert "cpu" in workload["resources"]["requests"]  # utilisation needs a request


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscaled_deployments_leave_the_replica_count_to_the_autoscaler(overlay: str) -> None:
    scaled = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in _objects(overlay, "HorizontalPodAutoscaler").values()
    }
    scaled |= {
        s["spec"]["scaleTargetRef"]["name"] for s in _objects(overlay, "ScaledObject").values()
    }
    for name, deployment in _objects(overlay, "Deployment").items():
        assert ("replicas" in deployment["spec"]) == (name not in scaled), name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ocr_consumers_scale_on_kafka_lag_within_the_partitions(overlay: str) -> None:
    (scaled,) = _objects(overlay, "ScaledObject").values()
    assert scaled["spec"]["scaleTargetRef"]["name"] in _objects(overlay, "Deployment")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "ocr-service"
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == "ocr"
    assert trigger["metadata"]["topic"] == "lipei.claims.v1"
    assert int(trigger["metadata"]["lagThreshold"]) > 0
    (config,) = _objects(overlay, "ConfigMap").values()
    assert trigger["metadata"]["bootstrapServers"] == config["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    script = (ROOT / "deploy/kafka/create-topics.sh").read_text()
    partitions = int(re.search(r"^create lipei\.claims\.v1 (\d+)$", script, re.M)[1])  # type: ignore[index]
    assert scaled["spec"]["maxReplicaCount"] <= partitions
    assert "ocr-service" not in _objects(overlay, "HorizontalPodAutoscaler")


def test_keda_watches_the_consumer_group_ocr_service_really_uses(tmp_path: Path) -> None:
    from ocr_service.app import create_app
    from ocr_service.settings import Settings

    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'ocr.db'}", storage_url=str(tmp_path)
    )
    consumers = create_app(settings).state.runtime.consumers
    (scaled,) = _objects("prod", "ScaledObject").values()
    trigger = scaled["spec"]["triggers"][0]["metadata"]
    assert (trigger["consumerGroup"], [trigger["topic"]]) in [
        (c.group_id, c.topics) for c in consumers
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_job_migrates_every_database_with_the_services_own_url(overlay: str) -> None:
    (job,) = _objects(overlay, "Job").values()
    pod = _pod_spec(job)
    assert pod["restartPolicy"] == "OnFailure"
    assert pod["securityContext"]["runAsNonRoot"] is True
    migrations = {c["name"]: c for c in [*pod["initContainers"], *pod["containers"]]}
    deployments = _objects(overlay, "Deployment")
    assert set(migrations) == set(SERVICES) - {"gateway", "console"}  # no database of their own
    for name, container in migrations.items():
        assert container["args"] == ["migrate"]
        (served,) = _pod_spec(deployments[name])["containers"]
        assert served["args"] == ["serve"]
        assert container["image"] == served["image"]
        db_key = _secret_key_refs(container)["DATABASE_URL"]
        assert db_key == _secret_key_refs(served)["DATABASE_URL"]
        # intake's migrations encrypt existing rows at rest, with the service's own keys
        if name == "intake-service":
            assert _secret_key_refs(container)["DATA_KEYS"] == _secret_key_refs(served)["DATA_KEYS"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True


def _setting_names(module_name: str) -> set[str]:
    settings = importlib.import_module(module_name).Settings
    return {
        field.validation_alias if isinstance(field.validation_alias, str) else name.upper()
        for name, field in settings.model_fields.items()
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_set_is_read_by_a_service(overlay: str) -> None:
    # Read by the S3 client straight from the environment (lipei.storage.s3), not by Settings.
    store = {"S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}
    read = set(store)
    for module_name in SERVICES.values():
        read |= _setting_names(module_name)
    (config,) = _objects(overlay, "ConfigMap").values()
    assert not set(config["data"]) - read
    for deployment in _objects(overlay, "Deployment").values():
        (container,) = _pod_spec(deployment)["containers"]
        name = deployment["metadata"]["name"]
        given = {e["name"] for e in container["env"]}
        assert not given - _setting_names(SERVICES[name]) - store, name


# --- network isolation: a small evaluator of the rendered NetworkPolicies ----------------------


def _matches(selector: Object, labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def _allowed(
    policies: list[Object], *, source: dict[str, str], source_ns: str, target: str, port: int
) -> bool:
    """Whether a pod labelled `source` in namespace `source_ns` may connect to `target`:port."""
    namespace = policies[0]["metadata"]["namespace"]
    target_labels = {"app.kubernetes.io/name": target}
    selecting = [p for p in policies if _matches(p["spec"]["podSelector"], target_labels)]
    if not any("Ingress" in p["spec"]["policyTypes"] for p in selecting):
        return True
    ns_labels = {"kubernetes.io/metadata.name": source_ns}
    for policy in selecting:
        for rule in policy["spec"].get("ingress", []):
            if not any(p["port"] == port for p in rule.get("ports", [{"port": port}])):
                continue
            for peer in rule.get("from", []):
                if "namespaceSelector" in peer:
                    ns_ok = _matches(peer["namespaceSelector"], ns_labels)
                else:
                    ns_ok = source_ns == namespace
                pod_ok = _matches(peer.get("podSelector", {}), source)
                if ns_ok and pod_ok:
                    return True
    return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_is_reachable_and_services_only_from_it(overlay: str) -> None:
    policies = list(_objects(overlay, "NetworkPolicy").values())
    namespace = policies[0]["metadata"]["namespace"]
    assert any(p["spec"]["podSelector"] == {} for p in policies)
    ports = {name: importlib.import_module(m).Settings().port for name, m in SERVICES.items()}

    def allowed(source: str, target: str, source_ns: str = namespace) -> bool:
        labels = {"app.kubernetes.io/name": source} if source else {}
        return _allowed(
            policies, source=labels, source_ns=source_ns, target=target, port=ports[target]
        )

    controller = INGRESS_NAMESPACE["kubernetes.io/metadata.name"]
    assert allowed("", "gateway", controller)
    assert not allowed("", "gateway", "default")
    for target in (
        "intake-service",
        "ocr-service",
        "tracking-service",
        "notify-service",
        "assessment-service",
    ):
        assert allowed("gateway", target)
        assert not allowed("", target, controller)
        assert not allowed("gateway", target, "default")  # same labels, other namespace
        assert not allowed("", target)
    assert allowed("notify-service", "intake-service")
    assert allowed("butler-service", "intake-service")  # fields a butler keys in
    assert not allowed("tracking-service", "intake-service")
    assert not allowed("ocr-service", "notify-service")
    assert not allowed("intake-service", "gateway")
    # the console: its pages only through the gateway, and it calls nothing but the gateway
    assert allowed("gateway", "console")
    assert allowed("console", "gateway")
    assert not allowed("", "console", controller)
    assert not allowed("", "console")
    for target in ("intake-service", "tracking-service", "butler-service"):
        assert not allowed("console", target)
    assert not _allowed(
        policies,
        source={"app.kubernetes.io/name": "gateway"},
        source_ns=namespace,
        target="intake-service",
        port=5432,
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_sends_everything_to_the_gateway(overlay: str) -> None:
    (ingress,) = _objects(overlay, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert path["path"] == "/"
    assert path["backend"]["service"]["name"] == "gateway"
    assert "gateway" in _objects(overlay, "Service")
    if overlay == "prod":
        assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]

"""What operators deploy to watch Lipei: the alert rules (promtool checks and unit-tests them), the
Grafana dashboards in its provisioning format, the compose `observability` profile, and the
Prometheus Operator's ServiceMonitors validated against their CRD's schema."""

from __future__ import annotations

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

from gateway.settings import Settings as GatewaySettings
from lipei.metrics import ServiceMetrics

ROOT = Path(__file__).resolve().parents[1]
PROMETHEUS = ROOT / "deploy/prometheus"
GRAFANA = ROOT / "deploy/grafana"
KUBERNETES_VERSION = "1.32.0"
DASHBOARDS = {"overview", "claims", "kafka", "ocr", "notify"}
# Series Prometheus adds itself, and the suffixes of a histogram's series.
BUILTIN = {"up"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def _promtool() -> str:
    found = shutil.which("promtool")
    # Never skipped: `make test` installs it (scripts/ensure-tools.sh, Debian's `prometheus`).
    assert found, (
        "promtool is missing: run `bash scripts/ensure-tools.sh` (apt-get install prometheus)"
    )
    return found


def _run(*args: str, cwd: Path = PROMETHEUS) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_promtool_accepts_the_rules_and_the_scrape_config() -> None:
    promtool = _promtool()
    assert "SUCCESS" in _run(promtool, "check", "rules", "alerts.yml")
    assert "SUCCESS" in _run(promtool, "check", "config", "prometheus.yml")


def test_each_alert_fires_on_what_it_watches() -> None:
    assert "SUCCESS" in _run(_promtool(), "test", "rules", "alerts.test.yml")


def test_the_alerts_operators_asked_for_are_all_there() -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"] if "alert" in r}
    assert {
        "ConsumerLagHigh",
        "OutboxNotDraining",
        "DeadLettersGrowing",
        "HighErrorRate",
        "LegalDeadlineBreached",
        "ButlerReplyTimeBreached",
        "OcrSlow",
    } <= set(alerts)
    assert alerts["ConsumerLagHigh"]["for"] == "5m"
    assert "> 60" in alerts["OutboxNotDraining"]["expr"]
    assert "> 0.01" in alerts["HighErrorRate"]["expr"]
    assert "0.95" in alerts["OcrSlow"]["expr"] and "> 5" in alerts["OcrSlow"]["expr"]


def _served_metrics() -> set[str]:
    names = set(BUILTIN)
    for family in ServiceMetrics().registry.collect():
        names.add(family.name + ("_total" if family.type == "counter" else ""))
        if family.type == "histogram":
            names.update(family.name + suffix for suffix in HISTOGRAM_SUFFIXES)
    return names


def _metric_names(expr: str) -> set[str]:
    """Identifiers in `expr` that name series (followed by `{`, `[`, `)` or an operator)."""
    words = set(re.findall(r"\b([a-z_][a-z0-9_]*)\b(?=\s*(?:\{|\[|\)|>|/|$))", expr))
    keywords = {"by", "le", "job", "group", "topic", "status", "route", "stage", "kind"}
    return {w for w in words if "_" in w or w in BUILTIN} - keywords


def _dashboard_exprs() -> dict[str, list[str]]:
    return {
        path.stem: [t["expr"] for p in json.loads(path.read_text())["panels"] for t in p["targets"]]
        for path in sorted((GRAFANA / "dashboards").glob("*.json"))
    }


def test_alerts_and_dashboards_read_only_metrics_the_services_serve() -> None:
    served = _served_metrics()
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    exprs += [e for board in _dashboard_exprs().values() for e in board]
    used = set().union(*(_metric_names(e) for e in exprs))
    assert used, "no metric found in the expressions"
    assert used <= served, sorted(used - served)


def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    """promtool parses each panel's query, given as a recording rule."""
    rules = [
        {"record": f"dashboard:{name}:{i}", "expr": expr}
        for name, exprs in _dashboard_exprs().items()
        for i, expr in enumerate(exprs)
    ]
    path = tmp_path / "dashboards.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    assert "SUCCESS" in _run(_promtool(), "check", "rules", str(path), cwd=tmp_path)


def test_dashboards_are_in_grafanas_provisioning_format() -> None:
    datasources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    assert datasources["apiVersion"] == 1
    uids = {d["uid"] for d in datasources["datasources"] if d["type"] == "prometheus"}
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/lipei.yml").read_text())
    assert providers["apiVersion"] == 1
    (provider,) = providers["providers"]
    assert provider["type"] == "file" and provider["options"]["path"].startswith("/")
    boards = {p.stem: json.loads(p.read_text()) for p in (GRAFANA / "dashboards").glob("*.json")}
    assert set(boards) == DASHBOARDS
    assert len({b["uid"] for b in boards.values()}) == len({b["title"] for b in boards.values()})
    assert len({b["uid"] for b in boards.values()}) == len(boards)
    for name, board in boards.items():
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", board["uid"]), name
        assert isinstance(board["schemaVersion"], int) and board["schemaVersion"] >= 36, name
        assert "id" not in board or board["id"] is None, name  # Grafana assigns ids itself
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in board["panels"]:
            grid = panel["gridPos"]
            assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24, (name, panel)
            assert panel["datasource"]["uid"] in uids, (name, panel["title"])
            assert panel["targets"], (name, panel["title"])
            for target in panel["targets"]:
                assert target["datasource"]["uid"] in uids and target["refId"], name


def _observability_compose() -> dict[str, Any]:
    main = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "deploy/compose.observability.yml" in main["include"]
    return dict(yaml.safe_load((ROOT / "deploy/compose.observability.yml").read_text()))


def test_the_compose_profile_provisions_prometheus_and_grafana_from_these_files() -> None:
    schema = json.loads((ROOT / "deploy/schemas/compose-spec.json").read_text())
    compose = _observability_compose()
    jsonschema.validate(compose, schema)
    services = compose["services"]
    assert {n for n, s in services.items() if s["profiles"] == ["observability"]} == {
        "prometheus",
        "grafana",
    }
    here = ROOT / "deploy"
    mounts = {
        name: {
            (here / v.split(":")[0]).resolve(): v.split(":")[1]
            for v in s["volumes"]
            if v.startswith(".")
        }
        for name, s in services.items()
    }
    assert mounts["prometheus"] == {PROMETHEUS: "/etc/prometheus"}
    provider = yaml.safe_load((GRAFANA / "provisioning/dashboards/lipei.yml").read_text())
    assert mounts["grafana"] == {
        GRAFANA / "provisioning": "/etc/grafana/provisioning",
        GRAFANA / "dashboards": provider["providers"][0]["options"]["path"],
    }
    for service in services.values():  # reachable from this machine only
        assert all(p.startswith("127.0.0.1:") for p in service.get("ports", []))
    scrape = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"][0] for job in scrape["scrape_configs"]
    }
    gateway_port = GatewaySettings().metrics_port
    assert (
        targets["gateway"] == f"gateway:{gateway_port}" and gateway_port != GatewaySettings().port
    )
    main = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for job, target in targets.items():
        if job != "gateway":
            assert target == f"{job}:{main['services'][job]['environment']['PORT']}"


def _renderer() -> Any:
    spec = importlib.util.spec_from_file_location("lipei_kustomize", ROOT / "deploy/kustomize.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rendered() -> list[dict[str, Any]]:
    overlay = ROOT / "k8s/overlays/prod-monitored"
    objects: list[dict[str, Any]] = _renderer().build(overlay)
    kubectl = shutil.which("kubectl")
    if kubectl:
        out = subprocess.run(
            [kubectl, "kustomize", str(overlay)], check=True, capture_output=True, text=True
        ).stdout
        theirs = [d for d in yaml.safe_load_all(out) if d]
        compared = ("ServiceMonitor", "NetworkPolicy", "Service")

        def picked(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
            chosen = [o for o in found if o["kind"] in compared]
            return sorted(chosen, key=lambda o: (o["kind"], o["metadata"]["name"]))

        assert picked(objects) == picked(theirs)
    return objects


def test_service_monitors_are_valid_for_their_crd_and_find_every_service() -> None:
    schema = json.loads((ROOT / "deploy/schemas/servicemonitor.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    objects = _rendered()
    monitors = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ServiceMonitor"}
    for monitor in monitors.values():
        jsonschema.validate(monitor, schema)
    for obj in objects:
        if obj["apiVersion"].startswith("networking.k8s.io/") or obj["kind"] == "Service":
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    broken = json.loads(json.dumps(monitors["gateway"]))
    broken["spec"]["endpoints"][0]["intervall"] = "15s"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)

    services = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Service"}

    def scraped(monitor: dict[str, Any]) -> dict[str, str]:
        selector = monitor["spec"]["selector"]
        found = {}
        for name, service in services.items():
            labels = service["metadata"].get("labels", {})
            if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
                continue
            if any(
                labels.get(e["key"]) in e["values"] for e in selector.get("matchExpressions", [])
            ):
                continue
            (endpoint,) = monitor["spec"]["endpoints"]
            ports = {p["name"]: p["port"] for p in service["spec"]["ports"]}
            assert endpoint["port"] in ports, (monitor["metadata"]["name"], name)
            found[name] = ports[endpoint["port"]]
        return found

    assert scraped(monitors["gateway"]) == {"gateway": GatewaySettings().metrics_port}
    assert scraped(monitors["lipei-services"]) == {
        "intake-service": 8001,
        "ocr-service": 8002,
        "tracking-service": 8003,
        "notify-service": 8004,
        "assessment-service": 8005,
        "butler-service": 8006,
        "console": 8007,
    }
    (policy,) = [o for o in objects if o["metadata"]["name"] == "metrics-from-monitoring"]
    (rule,) = policy["spec"]["ingress"]
    (ports,) = rule["ports"]
    assert ports["port"] > GatewaySettings().port  # never the gateway's public port
    assert ports["port"] <= 8001 and ports["endPort"] >= GatewaySettings().metrics_port

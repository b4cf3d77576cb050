"""Render a kustomization the way `kubectl kustomize` does, for the features k8s/ uses.

Used by the deployment tests where kubectl is not installed. Supported: `resources` (files and
directories), `components` (`kind: Component` folders, applied after the resources),
`namespace`, `labels` (without selectors), `images`, `configMapGenerator` (literals,
envs, behavior create/merge, name hash suffix and references), `secretGenerator` (literals),
`patches` (strategic merge from a file or inline, JSON 6902 inline, `target` by kind and name).
Anything else is refused rather than ignored.

    python deploy/kustomize.py k8s/overlays/prod
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

Object = dict[str, Any]

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "components",
    "namespace",
    "labels",
    "images",
    "configMapGenerator",
    "secretGenerator",
    "patches",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}
# Lists a strategic merge patch merges by key instead of replacing (Kubernetes' patchMergeKey).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "ports": "containerPort",
}
HASHED = "kustomize.lipei/needs-hash"


def build(path: Path) -> list[Object]:
    """The overlay or base at `path`, fully rendered (generated names carry their hash)."""
    objects = _build(path)
    _apply_name_hashes(objects)
    return objects


def _build(
    path: Path, accumulated: list[Object] | None = None, *, component: bool = False
) -> list[Object]:
    """A kustomization, or a component continuing from the objects `accumulated` so far."""
    spec = yaml.safe_load((path / "kustomization.yaml").read_text())
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise ValueError(f"{path}: unsupported kustomization fields {sorted(unknown)}")
    if (spec.get("kind") == "Component") != component:
        raise ValueError(f"{path}: a Component is used only under `components`")
    objects: list[Object] = list(accumulated or [])
    for resource in spec.get("resources", []):
        target = path / resource
        if target.is_dir():
            objects.extend(_build(target))
        else:
            objects.extend(d for d in yaml.safe_load_all(target.read_text()) if d)
    for folder in spec.get("components", []):
        objects = _build(path / folder, objects, component=True)
    for generator in spec.get("configMapGenerator", []):
        _generate(objects, generator, path, secret=False)
    for generator in spec.get("secretGenerator", []):
        _generate(objects, generator, path, secret=True)
    for patch in spec.get("patches", []):
        _patch(objects, patch, path)
    if "namespace" in spec:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = spec["namespace"]
    for label in spec.get("labels", []):
        if label.get("includeSelectors") or label.get("includeTemplates"):
            raise ValueError(f"{path}: labels on selectors or templates are not supported")
        for obj in objects:
            obj["metadata"].setdefault("labels", {}).update(label["pairs"])
    for image in spec.get("images", []):
        for obj in objects:
            for container in _containers(obj):
                _set_image(container, image)
    return objects


def _generate(objects: list[Object], generator: Object, path: Path, *, secret: bool) -> None:
    data: dict[str, str] = {}
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = value
    for env_file in generator.get("envs", []):
        for line in (path / env_file).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                data[key.strip()] = value
    kind = "Secret" if secret else "ConfigMap"
    name = generator["name"]
    hashed = not generator.get("options", {}).get("disableNameSuffixHash", False)
    existing = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    behavior = generator.get("behavior", "create")
    if behavior == "merge":
        (target,) = existing
        encoded = {k: _b64(v) for k, v in data.items()} if secret else data
        target.setdefault("data", {}).update(encoded)
        return
    if behavior != "create" or existing:
        raise ValueError(f"{kind} {name}: unsupported generator behavior {behavior!r}")
    obj: Object = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}
    if secret:
        obj["type"] = "Opaque"
        obj["data"] = {k: _b64(v) for k, v in data.items()}
    else:
        obj["data"] = data
    if hashed:
        obj["metadata"].setdefault("annotations", {})[HASHED] = "true"
    objects.append(obj)


def _patch(objects: list[Object], patch: Object, path: Path) -> None:
    if "path" in patch:
        documents = [d for d in yaml.safe_load_all((path / patch["path"]).read_text()) if d]
    else:
        documents = [yaml.safe_load(patch["patch"])]
    target = patch.get("target")
    for document in documents:
        if isinstance(document, list):  # JSON 6902
            assert target, "a JSON 6902 patch needs a target"
            for obj in _targets(objects, target):
                for operation in document:
                    _json6902(obj, operation)
            continue
        selector = target or {"kind": document["kind"], "name": document["metadata"]["name"]}
        matched = _targets(objects, selector)
        if not matched:
            raise ValueError(f"patch {selector} matches nothing")
        for obj in matched:
            merged = _merge(obj, document)
            obj.clear()
            obj.update(merged)


def _targets(objects: list[Object], selector: Object) -> list[Object]:
    return [
        o
        for o in objects
        if o["kind"] == selector["kind"]
        and ("name" not in selector or o["metadata"]["name"] == selector["name"])
    ]


def _merge(base: Any, patch: Any, field: str = "") -> Any:
    """Strategic merge: maps merge, keyed lists merge by key, other lists and scalars replace."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = _merge(base.get(key), value, key) if key in base else value
        return out
    if isinstance(base, list) and isinstance(patch, list) and field in MERGE_KEYS:
        key = MERGE_KEYS[field]
        out_list = [copy.deepcopy(item) for item in base]
        for item in patch:
            match = next((i for i, b in enumerate(out_list) if b.get(key) == item.get(key)), None)
            if match is None:
                out_list.append(item)
            else:
                out_list[match] = _merge(out_list[match], item)
        return out_list
    return copy.deepcopy(patch)


def _json6902(obj: Object, operation: Object) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].split("/")[1:]]
    parent: Any = obj
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    last = parts[-1]
    op = operation["op"]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if op == "add":
            parent.insert(index, operation["value"])
        elif op == "replace":
            parent[index] = operation["value"]
        elif op == "remove":
            del parent[index]
        else:
            raise ValueError(f"unsupported JSON patch op {op!r}")
        return
    if op in ("add", "replace"):
        if op == "replace" and last not in parent:
            raise ValueError(f"replace of missing {operation['path']}")
        parent[last] = operation["value"]
    elif op == "remove":
        del parent[last]
    else:
        raise ValueError(f"unsupported JSON patch op {op!r}")


def _containers(obj: Object) -> list[Object]:
    pod = obj.get("spec", {}).get("template", {}).get("spec", {})
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def _set_image(container: Object, image: Object) -> None:
    name, _, tag = container["image"].partition(":")
    if name != image["name"]:
        return
    container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"


def _apply_name_hashes(objects: list[Object]) -> None:
    renames: dict[tuple[str, str], str] = {}
    for obj in objects:
        annotations = obj["metadata"].get("annotations", {})
        if annotations.pop(HASHED, None) is None:
            continue
        if not annotations:
            del obj["metadata"]["annotations"]
        old = obj["metadata"]["name"]
        new = f"{old}-{_content_hash(obj)}"
        obj["metadata"]["name"] = new
        renames[(obj["kind"], old)] = new
    for obj in objects:
        pod = obj.get("spec", {}).get("template", {}).get("spec", {})
        for container in _containers(obj):
            for source in container.get("envFrom", []):
                for kind, ref in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if ref in source:
                        name = source[ref]["name"]
                        source[ref]["name"] = renames.get((kind, name), name)
            for entry in container.get("env", []):
                for kind, ref in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    holder = entry.get("valueFrom", {}).get(ref)
                    if holder:
                        holder["name"] = renames.get((kind, holder["name"]), holder["name"])
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                name = volume["configMap"]["name"]
                volume["configMap"]["name"] = renames.get(("ConfigMap", name), name)


def _content_hash(obj: Object) -> str:
    """A suffix in kustomize's style (10 characters of a content hash); not byte-identical."""
    encoded = {"kind": obj["kind"], "name": obj["metadata"]["name"], "data": obj.get("data", {})}
    if obj["kind"] == "Secret":
        encoded["type"] = obj.get("type", "Opaque")
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def _b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(yaml.safe_dump_all(build(Path(args[0])), sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

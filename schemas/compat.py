"""Schema evolution, enforced: compare the tree's schemas with the last release of their major.

The policy (README "Schema evolution"): consumers ignore fields they do not know; a minor
version may only add optional fields; anything else (removing or renaming a field, making a
field required or optional, nullable or not, changing a type, format, pattern, enum or bound,
closing an object) is a breaking change and needs a new major version: a new
``schemas/json/v<MAJOR>/`` directory, and new topic names or a ``schema_version`` header that
consumers route on. Within a major, a consumer holding any 1.x schema reads every 1.x record.

Each release is kept as a snapshot in ``schemas/json/v<MAJOR>/releases/<MAJOR.MINOR>/``
(``newswire schema --release`` writes one). The check is structural, on the JSON Schemas
themselves, so it does not matter how they were produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

# Keywords that document a schema without constraining any value: changing them breaks nobody.
ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$comment", "$id", "$schema",
                         "deprecated", "readOnly", "writeOnly"})
_STRUCTURE = frozenset({"properties", "required", "$ref", "$defs", "items", "anyOf", "oneOf", "allOf",
                        "additionalProperties"})

Schema = dict[str, Any]


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


class _Walker:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root, self.new_root = old_root, new_root
        self.problems: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def _resolve(self, schema: Schema, root: Schema) -> Schema:
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local $refs are supported, got {ref}")
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part]
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def compare(self, old: Schema, new: Schema, path: str) -> None:
        refs = (old.get("$ref", ""), new.get("$ref", ""))
        if refs != ("", ""):
            if refs in self._seen:
                return  # a recursive schema: this pair is already being compared
            self._seen.add(refs)
        old, new = self._resolve(old, self.old_root), self._resolve(new, self.new_root)
        (old, old_null), (new, new_null) = _split_null(old), _split_null(new)
        if old_null != new_null:
            self.problems.append(f"{path}: {'no longer nullable' if old_null else 'now nullable'}")
        for key in sorted((set(old) | set(new)) - ANNOTATIONS - _STRUCTURE):
            if old.get(key) != new.get(key):
                self.problems.append(f"{path}: {key} changed from {_show(old.get(key))} to {_show(new.get(key))}")
        self._properties(old, new, path)
        self._closed(old, new, path)
        if "items" in old or "items" in new:
            if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
                self.compare(old["items"], new["items"], f"{path}[]")
            elif old.get("items") != new.get("items"):
                self.problems.append(f"{path}: items changed")
        for key in ("anyOf", "oneOf", "allOf"):
            a, b = old.get(key), new.get(key)
            if a is None and b is None:
                continue
            if a is None or b is None or len(a) != len(b):
                self.problems.append(f"{path}: {key} changed from {_count(a)} to {_count(b)} alternatives")
                continue
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                self.compare(x, y, f"{path}<{key}[{i}]>")

    def _properties(self, old: Schema, new: Schema, path: str) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(set(old_props) | set(new_props) | old_req | new_req):
            where = f"{path}.{name}"
            if name in old_props and name not in new_props:
                self.problems.append(f"{where}: removed")
                continue
            if name not in old_props and name in new_props:
                if name in new_req:
                    self.problems.append(f"{where}: added as a required field (a minor version may only add "
                                         f"optional ones: records of earlier versions lack it)")
                continue
            if (name in old_req) != (name in new_req):
                now = "required" if name in new_req else "optional (may be absent)"
                self.problems.append(f"{where}: was {'optional' if name in new_req else 'required'}, now {now}")
            if name in old_props:
                self.compare(old_props[name], new_props[name], where)

    def _closed(self, old: Schema, new: Schema, path: str) -> None:
        a, b = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if a == b or b is True:  # opening an object breaks no one
            return
        self.problems.append(f"{path}: additionalProperties changed from {_show(a)} to {_show(b)}")


def _split_null(schema: Schema) -> tuple[Schema, bool]:
    """``anyOf [X, {"type": "null"}]`` as (X, nullable): so that a field losing its null is one change."""
    branches = schema.get("anyOf")
    if not branches or {"type": "null"} not in branches or len(branches) != 2:
        return schema, False
    (inner,) = [b for b in branches if b != {"type": "null"}]
    return {**{k: v for k, v in schema.items() if k != "anyOf"}, **inner}, True


def _show(value: object) -> str:
    text = "absent" if value is None else orjson.dumps(value).decode()
    return text if len(text) <= 80 else text[:77] + "..."


def _count(alternatives: list | None) -> int:
    return len(alternatives or [])


def breaking_changes(old: Schema, new: Schema, name: str = "record") -> list[str]:
    """What makes ``new`` unable to stand in for ``old`` in either direction (empty: compatible)."""
    walker = _Walker(old, new)
    walker.compare(old, new, name)
    return walker.problems


def releases(major_dir: Path) -> dict[tuple[int, int], Path]:
    root = major_dir / "releases"
    if not root.is_dir():
        return {}
    return {parse_version(p.name): p for p in root.iterdir() if p.is_dir()}


def load_dir(directory: Path) -> dict[str, Schema]:
    return {p.name.removesuffix(".schema.json"): orjson.loads(p.read_bytes())
            for p in sorted(directory.glob("*.schema.json"))}


def check(version: str, current: Mapping[str, Schema], major_dir: Path) -> list[str]:
    """Why the tree's schemas at ``version`` may not be published over the last release (empty: they may)."""
    mine = parse_version(version)
    known = {v: p for v, p in releases(major_dir).items() if v[0] == mine[0]}
    if not known:
        return []  # the first release of a new major: nothing to stay compatible with
    last = max(known)
    label = f"{last[0]}.{last[1]}"
    released = load_dir(known[last])
    if mine < last:
        return [f"SCHEMA_VERSION {version} is older than the last release {label}"]
    problems: list[str] = []
    for name, old in released.items():
        if name not in current:
            problems.append(f"{name}: record removed")
            continue
        problems.extend(breaking_changes(old, current[name], name))
    if problems:
        head = (f"breaking change(s) against release {label} without a major version bump "
                f"(SCHEMA_VERSION is {version}; a breaking change needs {mine[0] + 1}.0 and "
                f"schemas/json/v{mine[0] + 1}/):")
        return [head, *problems]
    if mine == last and any(_canonical(released.get(n)) != _canonical(s) for n, s in current.items()):
        changed = sorted(n for n, s in current.items() if _canonical(released.get(n)) != _canonical(s))
        return [f"{', '.join(changed)} changed since release {label} but SCHEMA_VERSION is still {version}: "
                f"an added optional field needs {mine[0]}.{mine[1] + 1}"]
    return []


def _canonical(schema: Schema | None) -> bytes:
    return orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)

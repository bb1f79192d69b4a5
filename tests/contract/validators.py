"""The two validators contract tests run records through: Python ``jsonschema`` with format
checking on, and Ajv in Node (what a JavaScript consumer runs), which scripts/test.sh installs
into the ignored ``.venv/share/ajv`` (and this module too, on first use, when run on its own)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker

from schemas.generate import SCHEMA_DIR, schema_for
from schemas.records import ALL_RECORDS

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / ".venv" / "share" / "ajv"
AJV_SCRIPT = Path(__file__).with_name("ajv_validate.cjs")
# Ajv 8 (draft 2020-12) and ajv-formats 3, pinned as in scripts/test.sh.
AJV_PACKAGES = ("ajv@8.20.0", "ajv-formats@3.0.1")


@cache
def python_validator(name: str) -> Draft202012Validator:
    schema = schema_for(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def python_errors(name: str, record: Any) -> list[str]:
    return [f"/{'/'.join(map(str, e.absolute_path))} {e.message}" for e in python_validator(name).iter_errors(record)]


def ensure_ajv() -> Path:
    """node_modules holding Ajv, installed with npm if it is not there yet."""
    modules = NODE_DIR / "node_modules"
    if (modules / "ajv-formats").is_dir() and (modules / "ajv").is_dir():
        return modules
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("the contract tests run Ajv in Node: install node and npm (Debian: apt-get install nodejs npm)")
    subprocess.run(["npm", "install", "--silent", "--no-save", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR),
                    *AJV_PACKAGES], check=True, timeout=300)
    return modules


def ajv_errors(cases: Iterable[tuple[str, Any]]) -> list[list[str]]:
    """Ajv's errors for each (schema name, record), in order: [] where the record is valid."""
    cases = list(cases)
    unknown = {name for name, _ in cases} - set(ALL_RECORDS)
    if unknown:
        raise ValueError(f"no schema called {sorted(unknown)}")
    payload = b"".join(orjson.dumps({"schema": n, "record": r}) + b"\n" for n, r in cases)
    env = {**os.environ, "NODE_PATH": str(ensure_ajv())}
    out = subprocess.run(["node", str(AJV_SCRIPT), str(SCHEMA_DIR)], input=payload, env=env,
                         capture_output=True, check=True, timeout=120)
    results = [orjson.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if len(results) != len(cases):
        raise RuntimeError(f"Ajv answered {len(results)} of {len(cases)} records: {out.stderr.decode()[-2000:]}")
    return [[] if r["valid"] else r["errors"] for r in results]

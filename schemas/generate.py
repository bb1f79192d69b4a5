"""Generate the checked-in JSON Schemas from the pydantic records."""

from __future__ import annotations

from pathlib import Path

import orjson

from schemas.records import ALL_RECORDS, SCHEMA_VERSION

SCHEMA_DIR = Path(__file__).parent / "json" / f"v{SCHEMA_VERSION.split('.')[0]}"


def schema_for(name: str) -> dict:
    schema = ALL_RECORDS[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://newswire.invalid/schemas/v{SCHEMA_VERSION}/{name}.schema.json"
    return schema


def render(name: str) -> bytes:
    return orjson.dumps(schema_for(name), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write_all(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ALL_RECORDS:
        path = directory / f"{name}.schema.json"
        path.write_bytes(render(name))
        written.append(path)
    return written

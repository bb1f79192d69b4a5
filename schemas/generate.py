"""Generate the checked-in JSON Schemas from the pydantic records.

Output records are described as they are *serialised* (every field present, so every field
required unless a minor version added it); ``RawArticle`` as it is *validated* (what a
producer may send). ``$id`` names the major version only: a minor bump changes only the
schemas of the records it touches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import orjson

from schemas.records import ALL_RECORDS, INPUT_RECORDS, SCHEMA_VERSION

JSON_DIR = Path(__file__).parent / "json"
MAJOR = int(SCHEMA_VERSION.split(".")[0])
SCHEMA_DIR = JSON_DIR / f"v{MAJOR}"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(name: str) -> dict[str, Any]:
    mode: Literal["validation", "serialization"] = "validation" if name in INPUT_RECORDS else "serialization"
    schema = ALL_RECORDS[name].model_json_schema(mode=mode)
    schema["$schema"] = DIALECT
    schema["$id"] = f"https://newswire.invalid/schemas/v{MAJOR}/{name}.schema.json"
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

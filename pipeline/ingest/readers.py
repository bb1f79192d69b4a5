"""Files to RawArticles: the seed's plain-text format, JSON, JSONL and HTML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from pydantic import ValidationError

from pipeline.normalise.decode import decode_bytes
from schemas.records import RawArticle

EXTENSIONS = {".txt", ".json", ".jsonl", ".ndjson", ".html", ".htm"}


@dataclass
class Rejected:
    source: str
    reason: str


def expand_paths(paths: list[str]) -> Iterator[Path]:
    """Files as given, directories walked recursively for known extensions, globs expanded."""
    for given in paths:
        path = Path(given)
        if any(ch in given for ch in "*?["):
            yield from sorted(p for p in Path().glob(given) if p.is_file())
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
        else:
            yield path


def _from_dict(data: object, path: Path, index: int | None) -> RawArticle:
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    data = dict(data)
    data.setdefault("source", f"file:{path.name}")
    if not data.get("id") and index is None:
        data["id"] = path.stem
    return RawArticle.model_validate(data)


def read_file(path: Path) -> Iterator[RawArticle | Rejected]:
    """Articles in one file; anything unreadable is yielded as Rejected with a reason."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(str(path), f"cannot read: {exc.strerror}")
        return
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            for n, line in enumerate(data.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    yield _from_dict(orjson.loads(line), path, n)
                except (orjson.JSONDecodeError, ValidationError, ValueError) as exc:
                    yield Rejected(f"{path}:{n}", _reason(exc))
        elif suffix == ".json":
            obj = orjson.loads(data)
            items = obj if isinstance(obj, list) else [obj]
            for n, item in enumerate(items):
                yield _from_dict(item, path, n if isinstance(obj, list) else None)
        elif suffix in (".html", ".htm"):
            yield RawArticle(id=path.stem, source=f"file:{path.name}", content_type="text/html",
                             html=decode_bytes(data))
        else:
            yield RawArticle(id=path.stem, source=f"file:{path.name}", content_type="text/plain",
                             body=decode_bytes(data))
    except (orjson.JSONDecodeError, ValidationError, ValueError) as exc:
        yield Rejected(str(path), _reason(exc))
    except Exception as exc:  # noqa: BLE001 - PipelineError from decode_bytes and friends
        yield Rejected(str(path), str(exc))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"field {'.'.join(str(p) for p in err['loc'])!r}: {err['msg']}"
    return str(exc)


def read_paths(paths: list[str]) -> Iterator[RawArticle | Rejected]:
    for path in expand_paths(paths):
        if not path.exists():
            yield Rejected(str(path), "no such file")
            continue
        yield from read_file(path)

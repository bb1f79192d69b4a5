"""File formats to articles: the seed's plain text, HTML, JSON and JSONL (also stdin's format).

A format is a function from a file's bytes to articles or rejections; ``FORMATS`` maps file
suffixes to them. Adding a format is one function and one line in ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import orjson

from pipeline.errors import PipelineError
from pipeline.normalise.decode import decode_bytes
from pipeline.sources.base import Item, Rejected, json_problem, validate
from schemas.records import RawArticle


@dataclass
class FileContext:
    """Where the bytes came from: ``origin`` is the path relative to what was ingested (the
    article's default ``source`` is ``file:<origin>``), ``where`` the path people read in a
    rejection, and ``own_id`` the file's name when names are ids (single-article formats)."""

    origin: str
    where: str
    own_id: str | None = None

    @property
    def source(self) -> str:
        return f"file:{self.origin}"


Format = Callable[[bytes, FileContext], Iterator[Item]]


def _decoded(data: bytes, ctx: FileContext) -> str | Rejected:
    try:
        return decode_bytes(data)
    except PipelineError as exc:
        return Rejected(ctx.where, str(exc))


def read_text(data: bytes, ctx: FileContext) -> Iterator[Item]:
    text = _decoded(data, ctx)
    yield text if isinstance(text, Rejected) else RawArticle(
        id=ctx.own_id, source=ctx.source, content_type="text/plain", body=text)


def read_html(data: bytes, ctx: FileContext) -> Iterator[Item]:
    text = _decoded(data, ctx)
    yield text if isinstance(text, Rejected) else RawArticle(
        id=ctx.own_id, source=ctx.source, content_type="text/html", html=text)


def _with_defaults(obj: object, ctx: FileContext, own_id: str | None) -> object:
    if not isinstance(obj, dict):
        return obj
    obj = {"source": ctx.source, **obj}
    if own_id and not obj.get("id"):
        obj["id"] = own_id
    return obj


def read_json(data: bytes, ctx: FileContext) -> Iterator[Item]:
    """One article object, or a list of them (``where[n]`` names a bad one)."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        yield Rejected(ctx.where, json_problem(exc))
        return
    if isinstance(obj, list):
        for n, item in enumerate(obj):
            yield validate(_with_defaults(item, ctx, None), f"{ctx.where}[{n}]")
    else:
        yield validate(_with_defaults(obj, ctx, ctx.own_id), ctx.where)


def read_jsonl_lines(lines: Iterable[bytes], where: str, defaults: dict[str, str]) -> Iterator[Item]:
    """RawArticle JSON, one object a line; a bad line is rejected as ``where:N`` and the rest go on."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield Rejected(f"{where}:{n}", json_problem(exc, n))
            continue
        yield validate({**defaults, **obj} if isinstance(obj, dict) else obj, f"{where}:{n}")


def read_jsonl(data: bytes, ctx: FileContext) -> Iterator[Item]:
    yield from read_jsonl_lines(data.splitlines(), ctx.where, {"source": ctx.source})


FORMATS: dict[str, Format] = {
    ".txt": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
}
# formats that hold one article per file: only those can take the file's name as its id
SINGLE_ARTICLE = {".txt", ".html", ".htm", ".json"}

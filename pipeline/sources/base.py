"""What every source of articles is: something that yields raw articles or rejections.

Shaped after Quix Streams' ``sources/base/source.py`` (a base class with the few methods a
source must implement, and an optional state a polling source commits once its messages are
delivered), reduced to what newswire needs: sources are read in the ingesting process, and
the sending, progress and follow loop live once in ``pipeline.ingest``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from schemas.records import RawArticle


@dataclass
class Rejected:
    """Something a source read that is not an article, with the reason in words.

    ``source`` says where (``batch.jsonl:3``, ``stdin:2``), ``field`` which field was wrong
    (``body``, ``articles[1].title``) and ``problem`` what was wrong with it; ``reason`` is the
    whole sentence people read.
    """

    source: str
    reason: str
    field: str | None = None
    problem: str | None = None


Item = RawArticle | Rejected


@dataclass
class SourceOptions:
    """Choices that apply to every source the command line builds."""

    data_dir: Path = Path(".newswire")  # where polling sources keep their state
    names_are_ids: bool = False  # a file's name (relative path without suffix) is its id
    remember: bool = True  # polling sources skip what an earlier run already sent


class Source(ABC):
    """One place articles come from.

    A subclass sets ``name`` and implements ``claims`` (does a command-line argument denote
    this source?) and ``read`` (one pass over the articles). A polling source sets
    ``followable`` and keeps a state: ``read`` yields only what is new since the state, and
    ``commit`` is called with the ids the broker acknowledged, so a crash between reading and
    sending resends rather than loses.
    """

    name: ClassVar[str]
    followable: ClassVar[bool] = False  # can be read again and again (--follow)
    remote: ClassVar[bool] = False  # reads over the network: read it in a thread

    def __init__(self, given: str, options: SourceOptions | None = None) -> None:
        self.given = given
        self.options = options or SourceOptions()
        self.unit_done: Callable[[], None] = lambda: None  # progress: one file (or feed) finished
        self.skipped = 0  # items the last pass left out because an earlier run sent them

    @classmethod
    def claims(cls, given: str) -> bool:
        """Whether the command-line argument ``given`` is this kind of source."""
        return False

    @abstractmethod
    def read(self) -> Iterator[Item]:
        """One pass: every article (or rejection) this source has now."""

    def units(self) -> int | None:
        """How many progress units (files) a pass has, when known before reading."""
        return None

    def commit(self, sent_ids: list[str]) -> None:
        """The broker holds these articles: remember them (polling sources; others keep nothing)."""
        return None

    def describe(self, sent: int) -> str | None:
        """A line about the last pass for people following along, or None."""
        return None


_JSON_KINDS = {type(None): "null", list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true/false"}


def field_path(prefix: str, loc: tuple[Any, ...]) -> str:
    """pydantic's error location as people write it: ``articles[1].title``, ``body``."""
    return (prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)).lstrip(".")


def validate(data: object, where: str, prefix: str = "") -> Item:
    """A decoded JSON value as a RawArticle, or a rejection naming the field and the problem."""
    if not isinstance(data, dict):
        name = prefix or None
        problem = f"expected a JSON object, got {_JSON_KINDS.get(type(data), type(data).__name__)}"
        return Rejected(where, problem if name is None else f"{name}: {problem}", name, problem)
    try:
        raw = RawArticle.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = field_path(prefix, tuple(err["loc"]))
        return Rejected(where, f"field {name!r}: {err['msg']}", name, err["msg"])
    if not (raw.body or "").strip() and not (raw.html or "").strip():
        name = field_path(prefix, ("body",))
        problem = "an article needs a non-empty body or html"
        return Rejected(where, f"field {name!r}: {problem}", name, problem)
    return raw


def json_problem(exc: ValueError, line: int | None = None) -> str:
    """orjson's message with the place people look for: ``line`` (a JSONL line is line 1 to
    the parser, so the caller gives the real one) and column, without ``(char 0)``."""
    msg = getattr(exc, "msg", None) or str(exc)
    line = line if line is not None else getattr(exc, "lineno", None)
    col = getattr(exc, "colno", None)
    place = ", ".join(x for x in (f"line {line}" if line else "", f"column {col}" if col else "") if x)
    return f"not valid JSON{' at ' + place if place else ''}: {msg}"

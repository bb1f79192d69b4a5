"""Where articles come from: one interface (``base.Source``) and the registry that picks one.

``SOURCES`` is tried in order; the first whose ``claims`` accepts a command-line argument
reads it, so the specific kinds come before the catch-all of files. Sources that no argument
names (the HTTP endpoint's request body) are built directly by their user. Adding a source is
one module with a ``Source`` subclass and one line here.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.sources.base import Item, Rejected, Source, SourceOptions
from pipeline.sources.feeds import FeedSource
from pipeline.sources.files import FileSource
from pipeline.sources.stdin import StdinSource

SOURCES: list[type[Source]] = [StdinSource, FeedSource, FileSource]


def source_for(given: str, options: SourceOptions | None = None) -> Source:
    """The source that reads the command-line argument ``given``."""
    for kind in SOURCES:
        if kind.claims(given):
            return kind(given, options)
    raise ValueError(f"no source reads {given!r}")  # unreachable while FileSource takes the rest


def read_all(given: list[str], options: SourceOptions | None = None) -> Iterator[Item]:
    """One pass over every source the arguments name (benchmarks, offline enrich)."""
    for argument in given:
        yield from source_for(argument, options).read()


__all__ = ["SOURCES", "Item", "Rejected", "Source", "SourceOptions", "read_all", "source_for"]

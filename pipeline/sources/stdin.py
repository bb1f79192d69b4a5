"""Standard input: RawArticle JSON lines (``newswire ingest --stdin`` or ``-``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

from pipeline.sources.base import Item, Source, SourceOptions
from pipeline.sources.formats import read_jsonl_lines


class StdinSource(Source):
    name = "stdin"

    def __init__(self, given: str = "-", options: SourceOptions | None = None,
                 stream: BinaryIO | None = None) -> None:
        super().__init__(given, options)
        self.stream = stream

    @classmethod
    def claims(cls, given: str) -> bool:
        return given == "-"

    def read(self) -> Iterator[Item]:
        yield from read_jsonl_lines(self.stream or sys.stdin.buffer, "stdin", {"source": "stdin"})
        self.unit_done()

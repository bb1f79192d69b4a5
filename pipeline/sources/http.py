"""The body of ``POST /api/articles``: one article object, a list, or ``{"articles": [...]}``.

Pure (bytes in, articles or rejections out) so the web endpoint in ``agents/web`` stays a thin
adapter and the rules are tested without a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from pipeline.identity import with_id
from pipeline.sources.base import Item, Rejected, Source, SourceOptions, json_problem, validate

REQUEST = "request"  # where a rejection of the request as a whole points


class HttpSource(Source):
    name = "http"

    def __init__(self, body: bytes, options: SourceOptions | None = None) -> None:
        super().__init__(REQUEST, options)
        self.batch = False
        self.entries: list[Any] = []
        self.problem: Rejected | None = None
        self._split(body)

    def _split(self, body: bytes) -> None:
        if not body.strip():
            self.problem = Rejected(REQUEST, "empty request body: send a JSON article or a list of articles")
            return
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            self.problem = Rejected(REQUEST, f"body is {json_problem(exc)}")
            return
        self.batch = isinstance(data, list) or (isinstance(data, dict) and "articles" in data)
        items = data["articles"] if isinstance(data, dict) and "articles" in data else data
        self.entries = items if isinstance(items, list) else [items]
        if not self.entries:
            self.problem = Rejected(REQUEST, "no articles in the request", "articles")

    def units(self) -> int | None:
        return len(self.entries)

    def read(self) -> Iterator[Item]:
        if self.problem:
            yield self.problem
            return
        for n, item in enumerate(self.entries):
            where = f"articles[{n}]" if self.batch else ""
            got = validate({"source": "http", **item} if isinstance(item, dict) else item,
                           where or REQUEST, prefix=where)
            yield got if isinstance(got, Rejected) else with_id(got)

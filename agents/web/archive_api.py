"""The archive's HTTP API on the dashboard server (read-only; behind the dashboard token when set).

    GET /api/search?q=&kind=quotes|articles&speaker=&entity=&label=&source=&since=&limit=&cursor=
        200 {"kind", "query", "results": [...], "next_cursor": str|null}   newest first
        400 {"error": "..."}  malformed query or parameter (nothing runs)   503 archive unavailable
    GET /api/articles/{id}              the full EnrichedArticle as archived (views.py's article view)
    GET /api/entities/{id}              {"id","label","name","articles","mentions","per_day":[{"day",
                                        "articles","mentions"}],"co_occurring":[...],"quotes_by":[...],
                                        "quotes_about":[...]}   404 when never seen
    GET /api/speakers/{id}/quotes?limit=&cursor=   {"speaker":{"id","name","entity_id"},"results":[...],
                                        "next_cursor"}; id is an entity id (PERSON:amrullah-saleh) or,
                                        for a speaker with none, the name
    GET /api/archive/stats              {"articles","quotes","entities","dead_letters","bytes","oldest","newest"}
    GET /api/archive/deadletters?reason=&limit=    newest archived dead letters

Search hits: articles {"id","title","source","url","published_at","seen_at","snippet","quotes",
"entities"}; quotes {"id","article_id","text","kind","speaker":{"name","entity_id"},"source",
"title","published_at","seen_at"}. ``since`` filters on ``seen_at`` (when the pipeline published
the record). To page, pass ``next_cursor`` back as ``cursor`` with the same parameters.

The store is blocking (sqlite3, psycopg), so it runs on one thread of its own, never on the
worker's event loop; it is opened on first use and reopened after a failure, so the dashboard
works whether the archive process started before or after the worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import orjson
from aiohttp import web as aioweb

from pipeline.archive import ArchiveStore, ArchiveUnavailable, BadQuery, build_search, open_store
from pipeline.archive.query import DEFAULT_LIMIT, MAX_FILTER_CHARS, decode_cursor
from pipeline.settings import Settings

SEARCH_PARAMS = {"q", "kind", "speaker", "entity", "label", "source", "since", "limit", "cursor", "token"}
PAGE_PARAMS = {"limit", "cursor", "token"}
MAX_ID_CHARS = 300  # article ids are short; longer path segments are mistakes

T = TypeVar("T")
Handler = Callable[[aioweb.Request], Awaitable[aioweb.StreamResponse]]


class ArchiveReader:
    """The store, on a thread of its own; None-safe when there is no archive yet."""

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        self.settings = settings
        self.url = url
        self.executor = ThreadPoolExecutor(1, "newswire-archive-read")
        self.store: ArchiveStore | None = None

    def _call(self, fn: Callable[[ArchiveStore], T]) -> T:
        if self.store is None:
            self.store = open_store(self.url, settings=self.settings)
        try:
            return fn(self.store)
        except (BadQuery, ArchiveUnavailable):
            raise
        except Exception as exc:
            # a dropped connection or a vanished file: reopen on the next request
            store, self.store = self.store, None
            try:
                store.close()
            except Exception:  # already broken
                pass
            raise ArchiveUnavailable(f"archive query failed: {type(exc).__name__}: {exc}") from exc

    async def run(self, fn: Callable[[ArchiveStore], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._call, fn)

    async def article(self, article_id: str) -> bytes | None:
        """For the dashboard's article view: None when absent or when there is no archive."""
        try:
            return await self.run(lambda s: s.article(article_id))
        except ArchiveUnavailable:
            return None

    def close(self) -> None:
        if self.store is not None:
            self.executor.submit(self.store.close).result()
        self.executor.shutdown(wait=False)


def _json(obj: object, headers: dict[str, str], status: int = 200) -> aioweb.Response:
    return aioweb.Response(body=orjson.dumps(obj), status=status, content_type="application/json", headers=headers)


def handlers(reader: ArchiveReader, headers: dict[str, str]) -> dict[str, Handler]:
    """Plain aiohttp handlers by route, so tests can serve them without a Faust worker."""

    async def guarded(request: aioweb.Request, work: Callable[[], Awaitable[Any]]) -> aioweb.Response:
        try:
            result = await work()
        except BadQuery as exc:
            return _json({"error": str(exc)}, headers, 400)
        except ArchiveUnavailable as exc:
            return _json({"error": f"archive unavailable: {exc}"}, headers, 503)
        if isinstance(result, aioweb.Response):
            return result
        return _json(result, headers)

    def check_params(request: aioweb.Request, allowed: set[str]) -> None:
        unknown = sorted(set(request.query) - allowed)
        if unknown:
            raise BadQuery(f"unknown parameter {unknown[0]!r}; this endpoint takes "
                           + ", ".join(sorted(allowed - {"token"})))
        for name in request.query:
            if len(request.query.getall(name)) > 1:
                raise BadQuery(f"parameter {name!r} is given more than once")

    def path_id(request: aioweb.Request, name: str) -> str:
        value = request.match_info.get(name, "")
        if not value or len(value) > MAX_ID_CHARS:
            raise BadQuery(f"{name} must be 1 to {MAX_ID_CHARS} characters")
        return value

    async def search(request: aioweb.Request) -> aioweb.Response:
        async def work() -> Any:
            check_params(request, SEARCH_PARAMS)
            q = request.query
            query = build_search(q.get("q"), kind=q.get("kind"), speaker=q.get("speaker"), entity=q.get("entity"),
                                 label=q.get("label"), source=q.get("source"), since=q.get("since"),
                                 limit=q.get("limit"), cursor=q.get("cursor"))
            return await reader.run(lambda s: s.search(query))
        return await guarded(request, work)

    async def article(request: aioweb.Request) -> aioweb.Response:
        async def work() -> Any:
            article_id = path_id(request, "article_id")
            encoded = await reader.run(lambda s: s.article(article_id))
            if encoded is None:
                return _json({"error": f"no article {article_id!r} in the archive"}, headers, 404)
            return aioweb.Response(body=encoded, content_type="application/json", headers=headers)
        return await guarded(request, work)

    async def entity(request: aioweb.Request) -> aioweb.Response:
        async def work() -> Any:
            check_params(request, {"token"})
            entity_id = path_id(request, "entity_id")
            found = await reader.run(lambda s: s.entity(entity_id))
            if found is None:
                return _json({"error": f"entity {entity_id!r} is not in the archive (ids look like "
                                       "PERSON:amrullah-saleh)"}, headers, 404)
            return found
        return await guarded(request, work)

    async def speaker_quotes(request: aioweb.Request) -> aioweb.Response:
        async def work() -> Any:
            check_params(request, PAGE_PARAMS)
            speaker = path_id(request, "speaker_id")
            if len(speaker) > MAX_FILTER_CHARS:
                raise BadQuery(f"speaker id is longer than {MAX_FILTER_CHARS} characters")
            query = build_search(kind="quotes", limit=request.query.get("limit") or DEFAULT_LIMIT)
            after = decode_cursor("quotes", request.query["cursor"]) if request.query.get("cursor") else None
            page = await reader.run(lambda s: s.speaker_quotes(speaker, query.limit, after))
            if not page["results"] and page["speaker"]["name"] is None and after is None:
                return _json({"error": f"no quotes by {speaker!r} in the archive"}, headers, 404)
            return page
        return await guarded(request, work)

    async def stats(request: aioweb.Request) -> aioweb.Response:
        async def work() -> Any:
            check_params(request, {"token"})
            return await reader.run(lambda s: s.stats())
        return await guarded(request, work)

    async def dead_letters(request: aioweb.Request) -> aioweb.Response:
        async def work() -> Any:
            check_params(request, {"reason", "limit", "token"})
            query = build_search(limit=request.query.get("limit") or DEFAULT_LIMIT)
            reason = request.query.get("reason") or None
            if reason and len(reason) > MAX_FILTER_CHARS:
                raise BadQuery("reason is too long")
            return {"results": await reader.run(lambda s: s.dead_letters(query.limit, reason))}
        return await guarded(request, work)

    return {
        "/api/search": search,
        "/api/articles/{article_id}": article,
        "/api/entities/{entity_id}": entity,
        "/api/speakers/{speaker_id}/quotes": speaker_quotes,
        "/api/archive/stats": stats,
        "/api/archive/deadletters": dead_letters,
    }


def register(ctx: Any, page: Callable[..., None], headers: dict[str, str]) -> ArchiveReader:
    """Routes on the worker's web server (views.py's ``page`` adds the token check); all but the
    article route, which views.py serves from the worker's recent articles first."""
    reader = ArchiveReader(ctx.settings)
    for path, handler in handlers(reader, headers).items():
        if path != "/api/articles/{article_id}":
            page(path, handler)
    return reader

"""``POST /api/articles``: wire ingest over HTTP, validated before anything reaches Kafka.

The request-checking half is pure (bytes in, articles or an ``IngestRejected`` out) so it is
tested without a server; ``register`` wires it to the worker's web server. The endpoint is
off unless ``NEWSWIRE_INGEST_TOKEN`` is set, because an open write endpoint on a newsroom
machine is a way to plant stories.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import orjson

from pipeline.ingest.producer import prepare
from pipeline.sources.base import Rejected
from pipeline.sources.http import HttpSource
from schemas.records import RawArticle

MAX_BATCH = 1000


@dataclass
class IngestRejected(Exception):
    status: int
    message: str
    field: str | None = None

    def body(self) -> dict:
        return {"error": self.message, **({"field": self.field} if self.field else {})}


def check_token(header: str | None, token: str | None) -> None:
    if not token:
        raise IngestRejected(404, "POST /api/articles is disabled: set NEWSWIRE_INGEST_TOKEN to enable it")
    if not header or not header.startswith("Bearer "):
        raise IngestRejected(401, "missing bearer token: send 'Authorization: Bearer <NEWSWIRE_INGEST_TOKEN>'")
    if not hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode()):
        raise IngestRejected(401, "wrong bearer token")


def parse_articles(body: bytes) -> list[RawArticle]:
    """One article object, a list of them, or ``{"articles": [...]}``, read by the HTTP source
    (``pipeline.sources.http``); all or nothing: the first rejection answers the request."""
    source = HttpSource(body)
    if (source.units() or 0) > MAX_BATCH:
        raise IngestRejected(413, f"{source.units()} articles in one request; the limit is {MAX_BATCH}", "articles")
    articles = []
    for item in source.read():
        if isinstance(item, Rejected):
            message = f"{item.field}: {item.problem}" if item.field and item.problem else item.reason
            raise IngestRejected(400, message, item.field)
        articles.append(prepare(item))
    return articles


def register(ctx, page) -> None:  # ctx: agents.context.Context; page: views' route helper
    from aiohttp import web as aioweb

    settings = ctx.settings
    token = settings.ingest_token.get_secret_value() if settings.ingest_token else None
    limit = settings.max_request_bytes

    def reply(status: int, obj: dict) -> aioweb.Response:
        return aioweb.Response(body=orjson.dumps(obj), status=status, content_type="application/json")

    async def post(request: aioweb.Request) -> aioweb.Response:
        try:
            check_token(request.headers.get("Authorization"), token)
            if request.content_length is not None and request.content_length > limit:
                raise IngestRejected(413, f"request body of {request.content_length} bytes; the limit is {limit}")
            # read the stream ourselves: aiohttp's own limit (1 MB) would answer before ours
            body = await request.content.read(limit + 1)
            if len(body) > limit:
                raise IngestRejected(413, f"request body over the limit of {limit} bytes")
            articles = parse_articles(body)
        except IngestRejected as exc:
            return reply(exc.status, exc.body())
        from pipeline.messages import encode

        futures = [await ctx.send(ctx.topics.raw, a.id, encode(a)) for a in articles]
        for fut in futures:  # 202 only once the broker holds every article
            await fut
        return reply(202, {"accepted": len(articles), "ids": [a.id for a in articles]})

    page("/api/articles", post, method="post", auth=False)

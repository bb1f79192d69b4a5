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
from pydantic import ValidationError

from pipeline.ingest.producer import prepare
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


def _field_path(prefix: str, loc: tuple) -> str:
    return prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def parse_articles(body: bytes) -> list[RawArticle]:
    """One article object, a list of them, or ``{"articles": [...]}``; ids assigned."""
    if not body.strip():
        raise IngestRejected(400, "empty request body: send a JSON article or a list of articles")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise IngestRejected(400, f"body is not valid JSON: {exc}") from None
    batch = isinstance(data, list) or (isinstance(data, dict) and "articles" in data)
    items = data["articles"] if isinstance(data, dict) and "articles" in data else data
    items = items if isinstance(items, list) else [items]
    prefix = "articles" if batch else ""
    if not items:
        raise IngestRejected(400, "no articles in the request", "articles")
    if len(items) > MAX_BATCH:
        raise IngestRejected(413, f"{len(items)} articles in one request; the limit is {MAX_BATCH}", "articles")
    articles = []
    for n, item in enumerate(items):
        where = f"{prefix}[{n}]" if batch else ""
        if not isinstance(item, dict):
            raise IngestRejected(400, f"expected a JSON object, got {type(item).__name__}", where or "body")
        try:
            raw = RawArticle.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = _field_path(where, err["loc"]).lstrip(".")
            raise IngestRejected(400, f"{name}: {err['msg']}", name) from None
        if not (raw.body or "").strip() and not (raw.html or "").strip():
            name = _field_path(where, ("body",)).lstrip(".")
            raise IngestRejected(400, f"{name}: an article needs a non-empty body or html", name)
        articles.append(prepare(raw.model_copy(update={"source": raw.source if "source" in item else "http"})))
    return articles


def register(ctx, page) -> None:  # noqa: ANN001 - ctx: agents.context.Context; page: views' route helper
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

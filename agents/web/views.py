"""HTTP endpoints on the worker's Faust web server (aiohttp underneath).

Bound to 127.0.0.1 by default, optional token auth, CSP on every page. Article text, dead
letter payloads and search results are untrusted: the page renders them with ``textContent``
only, never as HTML. The one write endpoint here (replay) also needs the ingest token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from pathlib import Path

import orjson
from aiohttp import web as aioweb

from agents import tail
from agents.context import Context
from agents.web import aggregate, archive_api
from agents.web.cost import COST
from agents.web.deadletters import DeadIndex, present, read_records
from agents.web.history import SAMPLE_S, WINDOWS, History
from agents.web.ingest_api import IngestRejected, check_token
from agents.web.ingest_api import register as register_ingest
from agents.web.metrics import registry as metrics_registry
from agents.web.metrics import render as render_metrics
from agents.web.replay import Replayer, ReplayLog, ReplayRefused, parse_request

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
CONTENT_TYPES = {"js": "application/javascript", "css": "text/css", "svg": "image/svg+xml",
                 "html": "text/html", "txt": "text/plain"}
SSE_EVERY_S = 2.0  # the brief allows at most one update a second
MAX_REPLAY_BODY = 200_000
DEAD_LIST_MAX = 500
MAX_TOPIC_CHARS = 249  # Kafka's limit on a topic name


def _authorised(request: aioweb.Request, token: str | None) -> bool:
    if not token:
        return True
    given = request.query.get("token") or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def static_file(name: str) -> Path | None:
    """A file under ``static/`` (one level of folders, for vendor/), never outside it."""
    parts = name.split("/")
    if not 1 <= len(parts) <= 2 or any(not p or p.startswith(".") for p in parts):
        return None
    path = (STATIC / name).resolve()
    return path if path.is_file() and STATIC.resolve() in path.parents else None


def register(ctx: Context) -> None:
    app, settings = ctx.app, ctx.settings
    token = settings.dashboard_token.get_secret_value() if settings.dashboard_token else None
    ingest_token = settings.ingest_token.get_secret_value() if settings.ingest_token else None

    def respond(body: bytes, content_type: str, status: int = 200) -> aioweb.Response:
        return aioweb.Response(body=body, status=status, content_type=content_type, headers=SECURITY_HEADERS)

    def as_json(obj: object, status: int = 200) -> aioweb.Response:
        return respond(orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS), "application/json", status)

    def guarded(handler):
        async def wrapped(self, request, **_match_info):
            if not _authorised(request, token):
                return as_json({"error": "unauthorised"}, 401)
            return await handler(request)

        return wrapped

    def page(path: str, handler, method: str = "get", auth: bool = True) -> None:
        if not auth:
            async def plain(self, request, **_match_info):
                return await handler(request)
        # named after its handler (one handler per path): tracebacks and logs say which page
        view = type(f"{handler.__name__}_view", (app_view_base(),), {method: guarded(handler) if auth else plain})
        app.page(path)(view)

    def app_view_base():
        from faust import web

        return web.View

    # --- shared state, followed from topics ----------------------------------------------
    dead = DeadIndex()
    replays = ReplayLog()
    history = History()
    ctx.dead_index = dead
    replays_topic = app.topic(f"{settings.app_id}.replays", key_type=bytes, value_type=bytes,
                              key_serializer="raw", value_serializer="raw", partitions=1)

    async def send_raw(topic: str, key: bytes | None, value: bytes):
        producer = await app.maybe_start_producer()
        return await producer.send(topic, key, value, partition=None, timestamp=None, headers=None)

    async def publish_replay(record: dict) -> None:
        await (await ctx.send(replays_topic, record["id"], orjson.dumps(record)))

    replayer = Replayer(settings=settings, send=send_raw, publish=publish_replay, index=dead)

    @app.task
    async def follow_dead_letters() -> None:
        await tail.follow(settings, settings.topic_deadletter, dead.on_record)

    @app.task
    async def follow_replays() -> None:
        await replays_topic.maybe_declare()
        await tail.follow(settings, replays_topic.get_topic_name(), replays.on_record)

    @app.timer(interval=SAMPLE_S)
    async def sample_history() -> None:
        with COST.measure():
            snaps = aggregate.worker_snapshots(ctx)
            history.sample(snaps, aggregate.pipeline_view(ctx))

    # --- handlers ------------------------------------------------------------------------
    async def healthz(request: aioweb.Request) -> aioweb.Response:
        return as_json({"status": "ok", "worker": ctx.worker_id, "uptime_s": round(time.time() - ctx.metrics.started_at, 1)})

    async def readyz(request: aioweb.Request) -> aioweb.Response:
        state = aggregate.readiness(ctx)
        return as_json(state, 200 if state["ready"] else 503)

    async def pipeline_api(request: aioweb.Request) -> aioweb.Response:
        with COST.measure():
            return as_json(aggregate.pipeline_view(ctx))

    async def history_api(request: aioweb.Request) -> aioweb.Response:
        name = request.query.get("window", "15m")
        if name not in WINDOWS:
            return as_json({"error": f"window must be one of {', '.join(WINDOWS)}"}, 400)
        seconds = WINDOWS[name]
        topic = request.query.get("partitions") or None
        if topic is not None and len(topic) > MAX_TOPIC_CHARS:
            return as_json({"error": f"partitions takes a topic name of at most {MAX_TOPIC_CHARS} characters"}, 400)
        with COST.measure():
            out = history.window(seconds, partitions_of=topic)
            out["dead"] = dead.series(time.time() - seconds, max(60, out["step"]))
            return as_json(out)

    prometheus = metrics_registry(lambda: aggregate.pipeline_view(ctx))

    async def metrics(request: aioweb.Request) -> aioweb.Response:
        return respond(render_metrics(prometheus), "text/plain")

    async def dashboard(request: aioweb.Request) -> aioweb.Response:
        return respond((STATIC / "index.html").read_bytes(), "text/html")

    async def root(request: aioweb.Request) -> aioweb.Response:
        target = "/dashboard" + (f"?{request.query_string}" if request.query_string else "")
        raise aioweb.HTTPFound(target, headers=SECURITY_HEADERS)

    async def favicon(request: aioweb.Request) -> aioweb.Response:
        return respond((STATIC / "favicon.svg").read_bytes(), "image/svg+xml")

    async def static(request: aioweb.Request) -> aioweb.Response:
        """Static files may be kept by the browser but are checked on every use (``no-cache`` with
        an ETag): moving from page to page costs a 304 per file, and an upgrade shows at once."""
        path = static_file(request.match_info.get("name", ""))
        if path is None:
            return as_json({"error": "not found"}, 404)
        body = path.read_bytes()
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": etag}
        if request.headers.get("If-None-Match") == etag:
            return aioweb.Response(status=304, headers=headers)
        return aioweb.Response(body=body, content_type=CONTENT_TYPES.get(path.suffix.lstrip("."), "application/octet-stream"),
                               headers=headers)

    reader = archive_api.register(ctx, page, SECURITY_HEADERS)

    async def article(request: aioweb.Request) -> aioweb.Response:
        article_id = request.match_info.get("article_id", "")
        encoded = ctx.articles.get(article_id)
        if encoded is None and 0 < len(article_id) <= archive_api.MAX_ID_CHARS:
            encoded = await reader.article(article_id)
        if encoded is None:
            return as_json({"error": f"article {article_id[:100]!r} is neither among this worker's recent "
                                     "articles nor in the archive"}, 404)
        return respond(encoded, "application/json")

    async def dead_letters(request: aioweb.Request) -> aioweb.Response:
        q = request.query
        try:
            limit = min(DEAD_LIST_MAX, max(1, int(q.get("limit", "50"))))
        except ValueError:
            return as_json({"error": "limit must be a whole number"}, 400)
        return as_json({"summary": dead.summary(),
                        "items": dead.select(stage=q.get("stage") or None, reason=q.get("reason") or None,
                                             limit=limit),
                        "replays": replays.recent()})

    async def dead_letter(request: aioweb.Request) -> aioweb.Response:
        p, _, o = request.match_info.get("dead_id", "").partition(":")
        if not (p.isdigit() and o.isdigit()):
            return as_json({"error": "a dead-letter id is 'partition:offset'"}, 400)
        found = await read_records(settings, [(int(p), int(o))])
        record = found.get((int(p), int(o)))
        if record is None:
            return as_json({"error": f"no dead letter at {p}:{o}"}, 404)
        return as_json(present(record, int(p), int(o), full=True))

    async def replay(request: aioweb.Request) -> aioweb.Response:
        try:
            check_token(request.headers.get("Authorization"), ingest_token)
        except IngestRejected as exc:
            message = exc.message.replace("POST /api/articles", "Replay")
            return as_json({"error": message}, exc.status)
        try:
            body = await request.content.read(MAX_REPLAY_BODY + 1)
            if len(body) > MAX_REPLAY_BODY:
                raise ReplayRefused(413, f"request over {MAX_REPLAY_BODY} bytes")
            record = await replayer.replay(parse_request(body), request.remote or "?")
        except ReplayRefused as exc:
            return as_json({"error": str(exc)}, exc.status)
        return as_json(record, 202)

    async def stream(request: aioweb.Request) -> aioweb.StreamResponse:
        """Server-sent events: the pipeline view every ``SSE_EVERY_S``, no page reloads."""
        resp = aioweb.StreamResponse(headers={**SECURITY_HEADERS, "Content-Type": "text/event-stream"})
        await resp.prepare(request)
        try:
            while True:
                with COST.measure():
                    payload = orjson.dumps(aggregate.pipeline_view(ctx), option=orjson.OPT_NON_STR_KEYS)
                await resp.write(b"data: " + payload + b"\n\n")
                await asyncio.sleep(SSE_EVERY_S)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp

    page("/", root, auth=False)
    page("/favicon.ico", favicon, auth=False)
    page("/api/articles/{article_id}", article)
    page("/api/stream", stream)
    page("/api/history", history_api)
    page("/api/deadletters", dead_letters)
    page("/api/deadletters/replay", replay, method="post", auth=False)
    page("/api/deadletters/{dead_id}", dead_letter)
    page("/healthz", healthz)
    page("/readyz", readyz)
    page("/metrics", metrics)
    page("/api/pipeline", pipeline_api)
    page("/dashboard", dashboard)
    page("/dashboard/static/{name:.+}", static, auth=False)
    register_ingest(ctx, page)

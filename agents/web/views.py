"""HTTP endpoints on the worker's Faust web server (aiohttp underneath).

Read-only, bound to 127.0.0.1 by default, optional token auth, CSP on every page. Article
text is untrusted: the page renders it with ``textContent`` only, never as HTML.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from pathlib import Path

import orjson
from aiohttp import web as aioweb

from agents.context import Context
from agents.web import aggregate
from agents.web.ingest_api import register as register_ingest

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


def _authorised(request: aioweb.Request, token: str | None) -> bool:
    if not token:
        return True
    given = request.query.get("token") or request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def register(ctx: Context) -> None:
    app, settings = ctx.app, ctx.settings
    token = settings.dashboard_token.get_secret_value() if settings.dashboard_token else None

    def respond(body: bytes, content_type: str, status: int = 200) -> aioweb.Response:
        return aioweb.Response(body=body, status=status, content_type=content_type, headers=SECURITY_HEADERS)

    def as_json(obj: object, status: int = 200) -> aioweb.Response:
        return respond(orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS), "application/json", status)

    def guarded(handler):  # noqa: ANN001, ANN202
        async def wrapped(self, request, **_match_info):  # noqa: ANN001, ANN003, ANN202
            if not _authorised(request, token):
                return as_json({"error": "unauthorised"}, 401)
            return await handler(request)

        return wrapped

    def page(path: str, handler, method: str = "get", auth: bool = True) -> None:  # noqa: ANN001
        if not auth:
            async def plain(self, request, **_match_info):  # noqa: ANN001, ANN003, ANN202
                return await handler(request)
        view = type(f"View_{abs(hash(path))}", (app_view_base(),), {method: guarded(handler) if auth else plain})
        app.page(path)(view)

    def app_view_base():  # noqa: ANN202
        from faust import web

        return web.View

    async def healthz(request: aioweb.Request) -> aioweb.Response:
        return as_json({"status": "ok", "worker": ctx.worker_id, "uptime_s": round(time.time() - ctx.metrics.started_at, 1)})

    async def readyz(request: aioweb.Request) -> aioweb.Response:
        state = aggregate.readiness(ctx)
        return as_json(state, 200 if state["ready"] else 503)

    async def pipeline_api(request: aioweb.Request) -> aioweb.Response:
        return as_json(aggregate.pipeline_view(ctx))

    async def metrics(request: aioweb.Request) -> aioweb.Response:
        return respond(aggregate.prometheus(ctx).encode(), "text/plain")

    async def dashboard(request: aioweb.Request) -> aioweb.Response:
        return respond((STATIC / "index.html").read_bytes(), "text/html")

    async def static(request: aioweb.Request) -> aioweb.Response:
        name = request.match_info.get("name", "")
        path = STATIC / name
        if "/" in name or not path.is_file():
            return as_json({"error": "not found"}, 404)
        kind = {"js": "application/javascript", "css": "text/css"}.get(name.rsplit(".", 1)[-1], "text/plain")
        return respond(path.read_bytes(), kind)

    async def article(request: aioweb.Request) -> aioweb.Response:
        encoded = ctx.articles.get(request.match_info.get("article_id", ""))
        if encoded is None:
            return as_json({"error": "not among the recent articles of this worker"}, 404)
        return respond(encoded, "application/json")

    async def stream(request: aioweb.Request) -> aioweb.StreamResponse:
        """Server-sent events: the pipeline view every two seconds, no page reloads."""
        resp = aioweb.StreamResponse(headers={**SECURITY_HEADERS, "Content-Type": "text/event-stream"})
        await resp.prepare(request)
        try:
            while True:
                payload = orjson.dumps(aggregate.pipeline_view(ctx), option=orjson.OPT_NON_STR_KEYS)
                await resp.write(b"data: " + payload + b"\n\n")
                await asyncio.sleep(2.0)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp

    page("/api/articles/{article_id}", article)
    page("/api/stream", stream)
    page("/healthz", healthz)
    page("/readyz", readyz)
    page("/metrics", metrics)
    page("/api/pipeline", pipeline_api)
    page("/dashboard", dashboard)
    page("/dashboard/static/{name}", static)
    register_ingest(ctx, page)

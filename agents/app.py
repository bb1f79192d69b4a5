"""Build the Faust app from settings: topics, agents, the stats table and the web views."""

from __future__ import annotations

import os
import socket
import ssl

import faust

from agents import enrich, normalise, transport, trends, watchdog
from agents.context import Context
from agents.topics import declare
from agents.web.views import register as register_web
from pipeline.settings import Settings, get_settings


def _credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    proto = settings.security_protocol.upper()
    if proto == "PLAINTEXT":
        return None
    ssl_context = ssl.create_default_context(cafile=settings.ssl_cafile) if proto.endswith("SSL") else None
    if proto.startswith("SASL"):
        password = settings.sasl_password.get_secret_value() if settings.sasl_password else ""
        return faust.SASLCredentials(username=settings.sasl_username or "", password=password,
                                     mechanism=settings.sasl_mechanism, ssl_context=ssl_context)
    return faust.SSLCredentials(ssl_context)


def create_app(settings: Settings | None = None, worker_name: str | None = None) -> tuple[faust.App, Context]:
    settings = settings or get_settings()
    transport.install()
    worker_id = worker_name or f"{socket.gethostname()}:{os.getpid()}"
    datadir = settings.data_dir / f"worker-{settings.web_port}"
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=settings.broker_url,
        broker_credentials=_credentials(settings),
        value_serializer="raw",
        key_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        datadir=str(datadir),
        store="memory://",
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        web_in_thread=False,
        producer_acks=-1,
        producer_linger=settings.producer_linger_ms / 1000.0,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=100,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=min(3.0, settings.session_timeout / 3),
        broker_commit_interval=1.0,
        table_cleanup_interval=30.0,
    )
    ctx = Context(app=app, settings=settings, topics=declare(app, settings), worker_id=worker_id)
    normalise.register(ctx)
    trends.register(ctx)
    enrich.register(ctx)
    _register_stats(ctx)
    watchdog.register(ctx)
    register_web(ctx)
    return app, ctx


def _register_stats(ctx: Context) -> None:
    """Every worker publishes its figures to a stats topic and follows everyone's, so any
    dashboard shows the whole group (``agents.web.peers``; a GlobalTable went stale)."""
    from agents.web.peers import register as register_peers

    register_peers(ctx)

"""The ``newswire`` command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as dt_time
from pathlib import Path

import orjson

from pipeline.settings import get_settings

DEMO_DIR = Path(__file__).parent / "demo" / "stories"


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- broker / worker / run ---------------------------------------------------------------

def cmd_broker(args: argparse.Namespace) -> int:
    from pipeline.broker import EmbeddedBroker

    s = get_settings()
    with EmbeddedBroker(s.broker_host, args.port or s.broker_port) as broker:
        _err(f"embedded Kafka broker (Tansu) on {broker.bootstrap}; Ctrl-C to stop")
        try:
            while broker.process and broker.process.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if not args.no_supervise:
        from pipeline.supervise import supervise

        command = [sys.executable, "-m", "pipeline.cli", "worker", "--no-supervise"]
        if args.web_port:
            command += ["--web-port", str(args.web_port)]
        if args.loglevel:
            command += ["-l", args.loglevel]
        return supervise(command)
    if args.web_port:
        os.environ["NEWSWIRE_WEB_PORT"] = str(args.web_port)
        get_settings.cache_clear()
    s = get_settings()
    from faust import Worker

    from agents.app import create_app
    from pipeline.broker import port_open

    host, _, port = s.bootstrap_servers.split(",")[0].rpartition(":")
    waited = 0.0
    while not port_open(host, int(port)):
        if waited % 10 == 0:
            _err(f"waiting for the Kafka broker at {host}:{port} (NEWSWIRE_BROKER="
                 f"{s.broker or 'unset: the embedded broker started by `newswire run`'}) ...")
        time.sleep(1.0)
        waited += 1.0
    import mode.loop

    mode.loop.use(s.event_loop)  # before the app exists: Faust's consumer thread makes its own loop too
    app, _ctx = create_app(s)
    _err(f"worker: dashboard http://{s.web_host}:{s.web_port}/dashboard")
    worker = Worker(app, loglevel=args.loglevel or s.log_level)
    worker.execute_from_commandline()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.broker import EmbeddedBroker

    s = get_settings()
    s.data_dir.mkdir(parents=True, exist_ok=True)
    broker = None
    env = dict(os.environ)
    # SIGTERM (systemd, kill, a CI runner) must stop the workers and the broker as Ctrl-C
    # does; Python's default would exit at once and leave them running.
    signal.signal(signal.SIGTERM, _interrupt)
    if not s.broker:
        broker = EmbeddedBroker(s.broker_host, s.broker_port, log_path=s.data_dir / "broker.log").start()
        _err(f"embedded Kafka broker (Tansu) on {broker.bootstrap}")
    procs: list[subprocess.Popen] = []
    try:
        for i in range(args.workers):
            port = s.web_port + i
            procs.append(subprocess.Popen([sys.executable, "-m", "pipeline.cli", "worker", "--web-port", str(port)],
                                          env=env))
        _err(f"dashboard: http://{s.web_host}:{s.web_port}/dashboard  ({args.workers} worker(s); Ctrl-C stops all)")
        if args.demo:
            _wait_ready(s.web_host, s.web_port)
            time.sleep(1.0)
            _err("demo feed: ingesting the bundled sample stories")
            subprocess.call([sys.executable, "-m", "pipeline.cli", "ingest", "--quiet", str(DEMO_DIR)], env=env)
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        _err("a worker exited; stopping")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the shutdown short
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        if broker:
            broker.stop()


def _wait_ready(host: str, port: int, timeout: float = 120.0) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/readyz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return True
        except Exception:  # noqa: BLE001
            pass
        time.sleep(1.0)
    return False


# --- ingest / subscribe --------------------------------------------------------------------

def cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline.ingest.feeds import follow, is_feed
    from pipeline.ingest.producer import send_all
    from pipeline.ingest.progress import IngestProgress, print_summary
    from pipeline.ingest.readers import expand_paths, read_file

    s = get_settings()
    if not args.paths and not args.stdin:
        _err("newswire ingest: give files, directories, globs, feed URLs, or --stdin for JSONL on standard input")
        return 2
    feeds = [p for p in args.paths if is_feed(p)]
    if args.follow and not feeds:
        _err("newswire ingest: --follow needs an RSS/Atom feed (a URL or a .rss/.atom/.xml file)")
        return 2
    started = time.monotonic()
    if feeds:
        try:
            summary = asyncio.run(follow(feeds, s, args.interval if args.follow else None,
                                         report=(lambda _m: None) if args.quiet else _err))
        except KeyboardInterrupt:
            return 0
        print_summary(summary, s.topic_raw, time.monotonic() - started)
        files = [p for p in args.paths if not is_feed(p)]
        if not files:
            return 0 if summary.sent or summary.skipped or not summary.rejected else 1
        args.paths = files

    from pipeline.ingest.readers import Rejected

    paths = [] if args.stdin else list(expand_paths(args.paths))
    with IngestProgress(None if args.stdin else len(paths), quiet=args.quiet) as progress:
        def items():  # noqa: ANN202
            if args.stdin:
                yield from _stdin_items()
                return
            for path in paths:
                if not path.exists():
                    yield Rejected(str(path), "no such file")
                else:
                    yield from read_file(path)
                progress.file_done()

        summary = asyncio.run(send_all(items(), s, progress.update))
    print_summary(summary, s.topic_raw, time.monotonic() - started)
    return 0 if summary.sent or not summary.rejected else 1


def _stdin_items():  # noqa: ANN202
    from pydantic import ValidationError

    from pipeline.ingest.readers import Rejected
    from schemas.records import RawArticle

    for n, line in enumerate(sys.stdin.buffer, 1):
        if line.strip():
            try:
                yield RawArticle.model_validate(orjson.loads(line))
            except (orjson.JSONDecodeError, ValidationError) as exc:
                yield Rejected(f"stdin:{n}", str(exc).splitlines()[0])


def cmd_subscribe(args: argparse.Namespace) -> int:
    from pipeline.client import subscribe_raw
    from pipeline.filters import Filters, parse_since
    from pipeline.subscribe_view import render

    s = get_settings()
    topic = {"enriched": s.topic_enriched, "quotes": s.topic_quotes, "deadletter": s.topic_deadletter,
             "raw": s.topic_raw, "normalised": s.topic_normalised}.get(args.topic, args.topic)
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as exc:
        _err(f"newswire subscribe: {exc}")
        return 2
    filters = Filters(entity=args.entity, speaker=args.speaker, label=args.label, source=args.source, since=since)

    async def main() -> None:
        count = 0
        async for value in subscribe_raw(s, topic, filters, group=args.group, done_on_yield=True,
                                         from_beginning=args.from_beginning or since is not None,
                                         idle_timeout=args.timeout):
            if args.format == "text":
                render(orjson.loads(value))
            else:
                sys.stdout.buffer.write(value + b"\n")
                sys.stdout.buffer.flush()
            count += 1
            if args.limit and count >= args.limit:
                return

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0


# --- offline -------------------------------------------------------------------------------

def cmd_enrich(args: argparse.Namespace) -> int:
    from pipeline.enrich import chunked, enrich_batch
    from pipeline.errors import PipelineError
    from pipeline.ingest.producer import stable_id
    from pipeline.ingest.readers import Rejected, read_paths
    from pipeline.messages import encode
    from pipeline.nlp.model import load_model
    from pipeline.normalise import fingerprint, normalise
    from pipeline.normalise.dedupe import DuplicateIndex

    s = get_settings()
    nlp = load_model(args.model or s.model)
    out = sys.stdout.buffer
    done = failed = 0
    started = time.monotonic()

    index = DuplicateIndex(threshold=s.dedupe_threshold, window=s.dedupe_window)
    reference = datetime.combine(date.fromisoformat(args.reference_date), dt_time(12), UTC) if args.reference_date else None

    def articles():  # noqa: ANN202
        nonlocal failed
        for item in read_paths(args.paths):
            if isinstance(item, Rejected):
                failed += 1
                _err(f"skipped {item.source}: {item.reason}")
                continue
            if reference is not None and item.received_at is None:
                item = item.model_copy(update={"received_at": reference})
            try:
                article = normalise(item.model_copy(update={"id": stable_id(item)}), max_chars=s.max_article_bytes)
            except PipelineError as exc:
                failed += 1
                _err(f"skipped {item.id}: {exc.reason}: {exc}")
                continue
            fp = fingerprint(article)
            article.duplicate_of = index.find(fp)
            index.add(fp)
            yield article

    for batch in chunked(articles(), 32):
        for article in enrich_batch(batch, nlp):
            out.write(encode(article) + b"\n")
        done += len(batch)
        out.flush()
        if not args.quiet and done % 256 < len(batch):
            rate = done / max(time.monotonic() - started, 1e-9)
            _err(f"enriched {done} articles ({rate:.1f}/s)")
    if not args.quiet:
        _err(f"enriched {done} articles, {failed} skipped, in {time.monotonic() - started:.1f}s")
    return 0 if done or not failed else 1


def cmd_schema(args: argparse.Namespace) -> int:
    from schemas.generate import SCHEMA_DIR, render, write_all
    from schemas.records import ALL_RECORDS

    if args.write:
        for path in write_all():
            _err(f"wrote {path}")
        return 0
    if args.check:
        stale = [n for n in ALL_RECORDS if (SCHEMA_DIR / f"{n}.schema.json").read_bytes() != render(n)]
        if stale:
            _err(f"schemas out of date: {', '.join(stale)}; run `newswire schema --write`")
            return 1
        return 0
    names = [args.name] if args.name else list(ALL_RECORDS)
    for name in names:
        sys.stdout.buffer.write(render(name))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.throughput import main as bench_main

    return bench_main(args.bench_args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newswire", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="embedded broker (unless NEWSWIRE_BROKER is set) + workers + dashboard")
    r.add_argument("--workers", type=int, default=1, help="worker processes (one core each)")
    r.add_argument("--demo", action="store_true", help="feed the bundled demo stories once the pipeline is up")
    r.set_defaults(fn=cmd_run)

    w = sub.add_parser("worker", help="one Faust worker (run several to scale)")
    w.add_argument("--web-port", type=int, help="dashboard/API port (default NEWSWIRE_WEB_PORT)")
    w.add_argument("-l", "--loglevel", choices=["crit", "error", "warn", "info", "debug"])
    w.add_argument("--no-supervise", action="store_true",
                   help="run the Faust worker in this process (by default a supervisor restarts it if it dies)")
    w.set_defaults(fn=cmd_worker)

    b = sub.add_parser("broker", help="run the embedded Kafka broker alone")
    b.add_argument("--port", type=int)
    b.set_defaults(fn=cmd_broker)

    i = sub.add_parser("ingest", help="send files, directories, globs, JSONL, stdin or RSS/Atom feeds to news.raw")
    i.add_argument("paths", nargs="*", help="files (txt, json, jsonl, html), directories (recursive), globs, "
                   "feed URLs or .rss/.atom/.xml files")
    i.add_argument("--follow", action="store_true", help="keep polling the feeds; what was sent is remembered")
    i.add_argument("--interval", type=float, default=60.0, help="seconds between polls with --follow")
    i.add_argument("--stdin", action="store_true", help="read JSONL RawArticles from standard input")
    i.add_argument("--quiet", action="store_true")
    i.set_defaults(fn=cmd_ingest)

    sb = sub.add_parser("subscribe", help="print a topic as JSONL or a readable view, with filters")
    sb.add_argument("--topic", default="enriched", help="enriched, quotes, deadletter, or a topic name")
    sb.add_argument("--group", help="durable consumer group: resume where it left off")
    sb.add_argument("--from-beginning", action="store_true")
    sb.add_argument("--limit", type=int, default=0, help="stop after N records")
    sb.add_argument("--timeout", type=float, default=None, help="stop after N seconds without records")
    sb.add_argument("--entity", help="articles naming this entity (name substring or entity id); quotes by or about it")
    sb.add_argument("--speaker", help="quotes whose speaker name contains this (articles with such a quote)")
    sb.add_argument("--label", help="articles with an entity of this label (PERSON, ORG, GPE...); quotes by one")
    sb.add_argument("--source", help="records whose source contains this")
    sb.add_argument("--since", help="records published to the topic since: ISO date/time or 30m, 6h, 2d")
    sb.add_argument("--format", choices=["jsonl", "text"], default="jsonl", help="JSON lines, or a readable view")
    sb.set_defaults(fn=cmd_subscribe)

    e = sub.add_parser("enrich", help="offline: enrich files, no broker; one JSON line per article")
    e.add_argument("paths", nargs="+")
    e.add_argument("--model", help="spaCy model (default NEWSWIRE_MODEL)")
    e.add_argument("--reference-date", metavar="YYYY-MM-DD",
                   help="when stories were received, for archives: dates without a year resolve against it")
    e.add_argument("--quiet", action="store_true")
    e.set_defaults(fn=cmd_enrich)

    bn = sub.add_parser("bench", help="throughput/latency/RSS benchmark (bench/throughput.py); args pass through",
                        add_help=False)
    bn.add_argument("bench_args", nargs=argparse.REMAINDER)
    bn.set_defaults(fn=cmd_bench)

    sc = sub.add_parser("schema", help="print the JSON Schemas of the records")
    sc.add_argument("name", nargs="?")
    sc.add_argument("--write", action="store_true", help="regenerate schemas/json")
    sc.add_argument("--check", action="store_true", help="fail if the checked-in schemas are stale")
    sc.set_defaults(fn=cmd_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.fn(args) or 0


if __name__ == "__main__":
    sys.exit(main())

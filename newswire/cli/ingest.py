"""`newswire ingest`: send articles to news.raw from any source the registry knows."""

from __future__ import annotations

import argparse
import asyncio
import time

from newswire.cli.common import EXIT_USAGE, broker_failed, quiet_kafka_logs
from newswire.cli.common import err as _err
from pipeline.settings import get_settings

EXIT_REJECTED = 1  # something was not sent: scripts must notice


def cmd_ingest(args: argparse.Namespace) -> int:
    from aiokafka.errors import KafkaError

    from pipeline.errors import BrokerUnavailable
    from pipeline.ingest.loop import ingest
    from pipeline.ingest.progress import IngestProgress, print_summary
    from pipeline.sources import SourceOptions, source_for

    quiet_kafka_logs()
    s = get_settings()
    given = list(args.paths) + (["-"] if args.stdin and "-" not in args.paths else [])
    if not given:
        _err("newswire ingest: give files, directories, globs, feed URLs, or --stdin for JSONL on standard input")
        return EXIT_USAGE
    options = SourceOptions(data_dir=s.data_dir, names_are_ids=args.ids == "name")
    sources = [source_for(g, options) for g in given]
    if args.follow and not any(src.followable for src in sources):
        _err("newswire ingest: --follow needs a source that can be polled: an RSS/Atom feed "
             "(a URL or a .rss/.atom/.xml file)")
        return EXIT_USAGE
    started = time.monotonic()
    units = [src.units() for src in sources]
    total = None if any(u is None for u in units) else sum(u or 0 for u in units)
    report = (lambda _m: None) if args.quiet else _err
    # a follower reports each poll in a line of its own: a bar would fight those lines
    with IngestProgress(total, quiet=args.quiet or args.follow) as progress:
        for src in sources:
            src.unit_done = progress.file_done
        try:
            summary = asyncio.run(ingest(sources, s, args.interval if args.follow else None,
                                         report=report, on_progress=progress.update))
        except KeyboardInterrupt:
            return 0
        except (BrokerUnavailable, KafkaError) as exc:
            return broker_failed("ingest", exc, s.bootstrap_servers)
    print_summary(summary, s.topic_raw, time.monotonic() - started)
    return EXIT_REJECTED if summary.rejected else 0


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("ingest", help="send files, directories, globs, JSONL, stdin or RSS/Atom feeds to news.raw",
                       description="Send articles to news.raw. Exit status: 0 all sent, 1 something was "
                                   "rejected (each is listed with its reason), 2 could not run (no broker).")
    i.add_argument("paths", nargs="*", help="files (txt, json, jsonl, html), directories (recursive), globs, "
                   "feed URLs or .rss/.atom/.xml files, - for standard input")
    i.add_argument("--follow", action="store_true", help="keep polling the feeds; what was sent is remembered")
    i.add_argument("--interval", type=float, default=60.0, help="seconds between polls with --follow")
    i.add_argument("--stdin", action="store_true", help="read JSONL RawArticles from standard input")
    i.add_argument("--ids", choices=["content", "name"], default="content",
                   help="content: an article without its own id gets a hash of its origin and text (default); "
                        "name: a file's name (path relative to what was given, without suffix) is its id")
    i.add_argument("--quiet", action="store_true")
    i.set_defaults(fn=cmd_ingest)

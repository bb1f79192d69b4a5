"""`newswire ingest`: send articles to news.raw."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import orjson

from newswire.cli.common import err as _err
from pipeline.settings import get_settings


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


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("ingest", help="send files, directories, globs, JSONL, stdin or RSS/Atom feeds to news.raw")
    i.add_argument("paths", nargs="*", help="files (txt, json, jsonl, html), directories (recursive), globs, "
                   "feed URLs or .rss/.atom/.xml files")
    i.add_argument("--follow", action="store_true", help="keep polling the feeds; what was sent is remembered")
    i.add_argument("--interval", type=float, default=60.0, help="seconds between polls with --follow")
    i.add_argument("--stdin", action="store_true", help="read JSONL RawArticles from standard input")
    i.add_argument("--quiet", action="store_true")
    i.set_defaults(fn=cmd_ingest)

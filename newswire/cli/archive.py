"""`newswire archive`: keep every enriched article, quote and dead letter in the archive store.

Runs against any broker (NEWSWIRE_BROKER), so the archive can live on its own machine;
`newswire run` starts it beside the workers. `--stats` prints one line about the store.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from newswire.cli.common import err as _err
from pipeline.settings import get_settings


def cmd_archive(args: argparse.Namespace) -> int:
    from pipeline.archive.backends import open_store
    from pipeline.archive.consumer import Archiver, describe
    from pipeline.archive.store import ArchiveUnavailable, default_url, redact

    s = get_settings()
    url = args.url or default_url(s)
    if args.stats:
        try:
            with open_store(url) as store:
                print(f"archive {redact(url)}: {describe(store.stats())}")
        except ArchiveUnavailable as exc:
            _err(f"newswire archive: {exc}")
            return 1
        return 0
    if not s.broker:
        _err(f"newswire archive: reading from {s.bootstrap_servers} (NEWSWIRE_BROKER unset: the embedded "
             "broker `newswire run` starts)")
    archiver = Archiver(s, url)

    async def main() -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, archiver.stop)
        counts = await archiver.run(idle_exit=args.until_idle)
        _err(f"archive: stopped; stored {counts.articles} articles and {counts.dead_letters} dead letters "
             f"this run ({counts.skipped} records skipped)")
        return 0

    try:
        return asyncio.run(main())
    except ArchiveUnavailable as exc:
        if archiver.stopping.is_set():  # stopped while waiting for the store: a clean stop
            return 0
        _err(f"newswire archive: {exc}")
        return 1


def register(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("archive", help="keep enriched articles, quotes and dead letters in a searchable store")
    a.add_argument("--stats", action="store_true", help="print articles, quotes and bytes on disk, then exit")
    a.add_argument("--url", help="store URL (default NEWSWIRE_ARCHIVE_URL, else SQLite in NEWSWIRE_DATA_DIR)")
    a.add_argument("--until-idle", type=float, metavar="SECONDS",
                   help="exit after this many seconds without new records (a backfill), instead of running on")
    a.set_defaults(fn=cmd_archive)

"""What did X say about Y, with the archive component (pipeline.archive) from Python.

    python examples/quote_archive.py consume --db quotes.db --timeout 5   # fill an archive, stop when idle
    python examples/quote_archive.py ask Saleh Taliban --db quotes.db      # quotes by Saleh naming the Taliban

`newswire archive` and `newswire search` do the same from the command line; this shows the
two calls a Python program needs: ``Archiver(...).run()`` and ``open_store().search(...)``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pipeline.archive import build_search, open_store
from pipeline.archive.consumer import Archiver
from pipeline.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("consume")
    c.add_argument("--db", default="quotes.db")
    c.add_argument("--group", default="quote-archive-example")
    c.add_argument("--timeout", type=float, help="stop after N seconds without new records")
    a = sub.add_parser("ask")
    a.add_argument("speaker")
    a.add_argument("about", nargs="?")
    a.add_argument("--db", default="quotes.db")
    args = p.parse_args(argv)
    url = f"sqlite:///{Path(args.db).resolve()}"

    if args.command == "consume":
        settings = get_settings().model_copy(update={"archive_group": args.group})
        counts = asyncio.run(Archiver(settings, url).run(idle_exit=args.timeout))
        print(f"stored {counts.articles} articles in {args.db}", file=sys.stderr)
        return 0

    with open_store(url) as store:
        page = store.search(build_search(args.about, speaker=args.speaker, kind="quotes", limit=100))
    for q in page["results"]:
        print(f"{q['published_at'] or '':10.10}  {q['speaker']['name']}: {q['text']}  [{q['article_id']}]")
    if not page["results"]:
        print("no matching quotes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

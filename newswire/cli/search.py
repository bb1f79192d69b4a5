"""`newswire search`: ask the archive. Quotes ("what did X say about Y") or articles."""

from __future__ import annotations

import argparse
import sys

import orjson

from newswire.cli.common import err as _err


def _render(page: dict) -> None:
    out = sys.stdout
    for hit in page["results"]:
        when = (hit.get("published_at") or hit.get("seen_at") or "")[:10]
        if page["kind"] == "quotes":
            speaker = hit["speaker"]["name"] or "(unattributed)"
            words = " ".join(hit["text"].split())  # one line per quote, however the story broke it
            out.write(f"{when:10}  {speaker}: \u201c{words}\u201d\n")
            out.write(f"{'':10}  {hit['kind']} quote in {hit['article_id']} ({hit['source']})\n\n")
        else:
            out.write(f"{when:10}  {hit.get('title') or '(untitled)'}\n")
            out.write(f"{'':10}  {hit['id']} \u00b7 {hit['source']} \u00b7 {hit['quotes']} quotes\n")
            if hit.get("snippet"):
                out.write(f"{'':10}  {hit['snippet']}\n")
            out.write("\n")
    n = len(page["results"])
    _err(f"{n} {page['kind'] if n != 1 else page['kind'][:-1]}"
         + (f"; more with --cursor {page['next_cursor']}" if page.get("next_cursor") else ""))


def cmd_search(args: argparse.Namespace) -> int:
    from pipeline.archive import ArchiveUnavailable, BadQuery, build_search, open_store

    try:
        search = build_search(" ".join(args.query), kind=args.kind, speaker=args.speaker, entity=args.entity,
                              label=args.label, source=args.source, since=args.since, limit=args.limit,
                              cursor=args.cursor)
    except BadQuery as exc:
        _err(f"newswire search: {exc}")
        return 2
    try:
        with open_store(args.url) as store:
            page = store.search(search)
    except ArchiveUnavailable as exc:
        _err(f"newswire search: {exc}")
        return 1
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(page, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        _render(page)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("search", help="search the archive: quotes by a speaker about a subject, or articles",
                       description="Words are all required; \"quoted phrases\" match in order. Newest first.")
    s.add_argument("query", nargs="*", help='words and "quoted phrases" (none: everything matching the filters)')
    s.add_argument("--kind", choices=["quotes", "articles"], help="default: quotes with --speaker, else articles")
    s.add_argument("--speaker", help="quotes by this speaker: a name substring (saleh) or an entity id")
    s.add_argument("--entity", help="articles naming it / quotes by or about it: a name substring or an entity id")
    s.add_argument("--label", help="entity label: PERSON, ORG, GPE ... (articles naming one; quotes by one)")
    s.add_argument("--source", help="source or dateline agency contains this (sputnik, reuters, file:...)")
    s.add_argument("--since", help="archived since: ISO date/time or 30m, 6h, 7d")
    s.add_argument("--limit", type=int, default=20, help="results per page (1-100)")
    s.add_argument("--cursor", help="the next page, as printed after the previous one")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--url", help="store URL (default NEWSWIRE_ARCHIVE_URL, else SQLite in NEWSWIRE_DATA_DIR)")
    s.set_defaults(fn=cmd_search)

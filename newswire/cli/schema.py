"""`newswire schema`: print, write or check the records' JSON Schemas."""

from __future__ import annotations

import argparse
import sys

from newswire.cli.common import err as _err


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


def register(sub: argparse._SubParsersAction) -> None:
    sc = sub.add_parser("schema", help="print the JSON Schemas of the records")
    sc.add_argument("name", nargs="?")
    sc.add_argument("--write", action="store_true", help="regenerate schemas/json")
    sc.add_argument("--check", action="store_true", help="fail if the checked-in schemas are stale")
    sc.set_defaults(fn=cmd_schema)

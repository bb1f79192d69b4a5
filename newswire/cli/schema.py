"""`newswire schema`: print, write, check or release the records' JSON Schemas."""

from __future__ import annotations

import argparse
import shutil
import sys

from newswire.cli.common import err as _err


def cmd_schema(args: argparse.Namespace) -> int:
    from schemas.compat import check, parse_version, releases
    from schemas.generate import SCHEMA_DIR, render, schema_for, write_all
    from schemas.records import ALL_RECORDS, SCHEMA_VERSION

    problems = check(SCHEMA_VERSION, {n: schema_for(n) for n in ALL_RECORDS}, SCHEMA_DIR)
    if args.write:
        for path in write_all():
            _err(f"wrote {path}")
        for line in problems:
            _err(line)
        return 1 if problems else 0
    if args.check:
        stale = [n for n in ALL_RECORDS if (SCHEMA_DIR / f"{n}.schema.json").read_bytes() != render(n)]
        if stale:
            _err(f"schemas out of date: {', '.join(stale)}; run `newswire schema --write`")
        for line in problems:
            _err(line)
        return 1 if stale or problems else 0
    if args.release:
        if problems:
            for line in problems:
                _err(line)
            return 1
        target = SCHEMA_DIR / "releases" / SCHEMA_VERSION
        if parse_version(SCHEMA_VERSION) in releases(SCHEMA_DIR):
            _err(f"release {SCHEMA_VERSION} exists already ({target}); bump SCHEMA_VERSION first")
            return 1
        target.mkdir(parents=True)
        for path in write_all():
            shutil.copyfile(path, target / path.name)
        _err(f"released schemas {SCHEMA_VERSION} to {target}")
        return 0
    names = [args.name] if args.name else list(ALL_RECORDS)
    for name in names:
        sys.stdout.buffer.write(render(name))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    sc = sub.add_parser("schema", help="print the JSON Schemas of the records")
    sc.add_argument("name", nargs="?")
    sc.add_argument("--write", action="store_true", help="regenerate schemas/json")
    sc.add_argument("--check", action="store_true",
                    help="fail if the checked-in schemas are stale or break the last release")
    sc.add_argument("--release", action="store_true",
                    help="snapshot the schemas as release SCHEMA_VERSION under schemas/json/v<MAJOR>/releases/")
    sc.set_defaults(fn=cmd_schema)
